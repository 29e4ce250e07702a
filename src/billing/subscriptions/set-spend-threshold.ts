import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireLiveSubscription } from './require-subscription.js';

export const spendThresholdViewSchema = z
  .object({
    object: z.literal('spend_threshold'),
    subscriptionId: z.string(),
    currency: z.string(),
    amount: z.int().nullable().describe('Minor units; null: no threshold'),
  })
  .meta({ id: 'SpendThreshold' });

export type SpendThresholdView = z.infer<typeof spendThresholdViewSchema>;

const setInput = z.object({ tenantId: idSchema, subscriptionId: idSchema, amount: z.int().min(1).max(Number.MAX_SAFE_INTEGER).nullable() });

/**
 * The subscription's spend threshold (progressive billing): once the usage charges accrued in
 * the open period reach `amount`, they are invoiced and collected at once; null removes it. The
 * caller tells the workflow to check, in case usage already stands above it.
 */
export async function setSpendThreshold(prisma: Db, input: z.input<typeof setInput>): Promise<SpendThresholdView> {
  const { tenantId, subscriptionId, amount } = parseInput(setInput, input);
  const record = await requireLiveSubscription(prisma, tenantId, subscriptionId);
  await prisma.subscription.updateMany({ where: { id: subscriptionId, tenantId }, data: { spendThreshold: amount === null ? null : BigInt(amount) } });
  return { object: 'spend_threshold', subscriptionId, currency: record.currency, amount };
}
