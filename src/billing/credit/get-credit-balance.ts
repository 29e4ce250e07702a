import { z } from 'zod';
import { moneyFromColumn } from '../amounts.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import type { CreditBalanceView } from './views.js';

const getCreditBalanceInput = z.object({ tenantId: idSchema, customerId: idSchema });

export type GetCreditBalanceInput = z.input<typeof getCreditBalanceInput>;

/**
 * The customer's credit balance in each currency it has ledger entries in: the same sum as
 * `creditBalanceOf`, grouped. Another tenant's customer is `customer_not_found`.
 */
export async function getCreditBalance(prisma: Db, input: GetCreditBalanceInput): Promise<CreditBalanceView> {
  const { tenantId, customerId } = parseInput(getCreditBalanceInput, input);
  if ((await prisma.customer.count({ where: { id: customerId, tenantId } })) === 0) throw notFound('customer', customerId);
  const sums = await prisma.creditBalanceTransaction.groupBy({
    by: ['currency'],
    where: { tenantId, customerId },
    _sum: { amount: true },
    orderBy: { currency: 'asc' },
  });
  return {
    object: 'credit_balance',
    customerId,
    balances: sums.map((sum) => ({ currency: sum.currency.toUpperCase(), amount: moneyFromColumn(sum._sum.amount ?? 0n, sum.currency).amount })),
  };
}
