import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import type { SpendThresholdView } from './set-spend-threshold.js';

/** The subscription's spend threshold (amount null: none). */
export async function getSpendThreshold(prisma: Db, input: { tenantId: string; subscriptionId: string }): Promise<SpendThresholdView> {
  const row = await prisma.subscription.findFirst({ where: { id: input.subscriptionId, tenantId: input.tenantId }, select: { currency: true, spendThreshold: true } });
  if (row === null) throw notFound('subscription', input.subscriptionId);
  return { object: 'spend_threshold', subscriptionId: input.subscriptionId, currency: row.currency, amount: row.spendThreshold === null ? null : Number(row.spendThreshold) };
}
