import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toPaymentMethodView } from './views.js';
import type { PaymentMethodView } from './views.js';

const listPaymentMethodsInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  ...pageInputShape,
});

export type ListPaymentMethodsInput = z.input<typeof listPaymentMethodsInput>;

/**
 * The customer's saved payment methods, newest first, without detached ones (they can no longer
 * be charged); `isDefault` marks the one invoices are charged to. An unknown or foreign customer
 * is `customer_not_found`, not an empty list.
 */
export async function listPaymentMethods(prisma: Db, input: ListPaymentMethodsInput): Promise<Page<PaymentMethodView>> {
  const { tenantId, customerId, ...page } = parseInput(listPaymentMethodsInput, input);
  const query = pageQuery(page);
  const customer = await prisma.customer.findFirst({ where: { id: customerId, tenantId }, select: { defaultPaymentMethodId: true } });
  if (customer === null) throw notFound('customer', customerId);
  const where: Prisma.PaymentMethodWhereInput = {
    tenantId,
    customerId,
    detachedAt: null,
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.paymentMethod.findMany({ where, orderBy: query.orderBy, take: query.take });
  return toPage(rows, page, (row) => toPaymentMethodView(row, customer.defaultPaymentMethodId));
}
