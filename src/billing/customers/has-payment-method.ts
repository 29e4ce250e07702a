import type { Db } from '../db.js';
import { notFound } from '../failures.js';

/** Whether the customer has a default payment method that is still attached. */
export async function hasPaymentMethod(prisma: Db, input: { tenantId: string; customerId: string }): Promise<boolean> {
  const customer = await prisma.customer.findFirst({
    where: { id: input.customerId, tenantId: input.tenantId },
    include: { defaultPaymentMethod: true },
  });
  if (customer === null) throw notFound('customer', input.customerId);
  return customer.defaultPaymentMethod !== null && customer.defaultPaymentMethod.detachedAt === null;
}
