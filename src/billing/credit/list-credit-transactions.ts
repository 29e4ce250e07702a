import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { currencySchema, idSchema, parseInput } from '../validation.js';
import { toCreditTransactionView } from './views.js';
import type { CreditTransactionView } from './views.js';

const listCreditTransactionsInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  currency: currencySchema.optional(),
  ...pageInputShape,
});

export type ListCreditTransactionsInput = z.input<typeof listCreditTransactionsInput>;

/**
 * The customer's credit ledger, newest first: summing every entry of a currency gives its
 * balance. An unknown or foreign customer is `customer_not_found`, not an empty list.
 */
export async function listCreditTransactions(prisma: Db, input: ListCreditTransactionsInput): Promise<Page<CreditTransactionView>> {
  const { tenantId, customerId, currency, ...page } = parseInput(listCreditTransactionsInput, input);
  const query = pageQuery(page);
  if ((await prisma.customer.count({ where: { id: customerId, tenantId } })) === 0) throw notFound('customer', customerId);
  const where: Prisma.CreditBalanceTransactionWhereInput = {
    tenantId,
    customerId,
    ...(currency === undefined ? {} : { currency }),
    // pageQuery's cursor condition only names createdAt and id, which every model has.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.creditBalanceTransaction.findMany({ where, orderBy: query.orderBy, take: query.take });
  return toPage(rows, page, toCreditTransactionView);
}
