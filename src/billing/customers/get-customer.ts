import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toCustomerView, withDefaultPaymentMethod } from './views.js';
import type { CustomerView } from './views.js';

const getCustomerInput = z.object({ tenantId: idSchema, customerId: idSchema });

export type GetCustomerInput = z.input<typeof getCustomerInput>;

/** The customer with its default payment method's card details; another tenant's is `customer_not_found`. */
export async function getCustomer(prisma: Db, input: GetCustomerInput): Promise<CustomerView> {
  const { tenantId, customerId } = parseInput(getCustomerInput, input);
  const customer = await prisma.customer.findFirst({ where: { id: customerId, tenantId }, include: withDefaultPaymentMethod });
  if (customer === null) throw notFound('customer', customerId);
  return toCustomerView(customer);
}
