import { failure } from '../src/billing/failures.js';
import type { ActivityDependencies } from './index.js';

/** Whether the customer has a default payment method that is still attached. */
export async function hasPaymentMethod({ prisma }: ActivityDependencies, input: { tenantId: string; customerId: string }): Promise<boolean> {
  const customer = await prisma.customer.findFirst({
    where: { id: input.customerId, tenantId: input.tenantId },
    include: { defaultPaymentMethod: true },
  });
  if (customer === null) throw failure('customer_not_found', `No customer ${input.customerId}`, { customerId: input.customerId });
  return customer.defaultPaymentMethod !== null && customer.defaultPaymentMethod.detachedAt === null;
}
