import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { toCreditTransactionView, type CreditTransactionView } from './views.js';

/** One ledger entry of the tenant (`customer_not_found` hides another tenant's, as its customer would be). */
export async function getCreditTransaction(prisma: Db, input: { tenantId: string; transactionId: string }): Promise<CreditTransactionView> {
  const entry = await prisma.creditBalanceTransaction.findFirst({ where: { id: input.transactionId, tenantId: input.tenantId } });
  if (entry === null) throw notFound('customer', input.transactionId);
  return toCreditTransactionView(entry);
}
