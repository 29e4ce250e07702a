import type { Db } from '../db.js';

/** The customer's credit balance in one currency: the sum of its ledger, in minor units. */
export async function creditBalanceOf(db: Db, query: { tenantId: string; customerId: string; currency: string }): Promise<bigint> {
  const { _sum } = await db.creditBalanceTransaction.aggregate({
    where: { tenantId: query.tenantId, customerId: query.customerId, currency: query.currency },
    _sum: { amount: true },
  });
  return _sum.amount ?? 0n;
}
