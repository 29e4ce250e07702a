import { z } from 'zod';
import { priceUsage, unbilledWindows, type MeteredSegment, type PriceDefinition } from '../../domain/index.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { instant, minorUnits } from '../view-fields.js';
import { meterQuantity, quantityMeterOf } from './meter-quantity.js';

export const subscriptionUsageViewSchema = z
  .object({
    object: z.literal('subscription_usage'),
    subscriptionId: z.string(),
    currency: z.string(),
    from: instant.describe('Usage from here on is not billed yet'),
    to: instant.describe('Now'),
    meters: z.array(
      z.object({
        meterId: z.string(),
        meterKey: z.string(),
        priceId: z.string(),
        from: instant,
        to: instant,
        quantity: z.string().describe('The aggregated quantity so far (a decimal string)'),
        amount: minorUnits.describe('What that quantity costs at the price, before discounts and tax'),
      }),
    ),
  })
  .meta({ id: 'SubscriptionUsage' });

export type SubscriptionUsageView = z.infer<typeof subscriptionUsageViewSchema>;

/**
 * The usage not billed yet, per meter window (a window ends where a metered price changed):
 * its quantity so far and what it costs at its price — the numbers the next invoice's usage lines
 * will show if nothing more arrives.
 */
export async function currentUsage(
  prisma: Db,
  input: { tenantId: string; subscriptionId: string; customerId: string; currency: string; billedUntil: number; segments: readonly MeteredSegment[]; now: number },
): Promise<SubscriptionUsageView> {
  const windows = unbilledWindows(input.segments, input.billedUntil, input.now);
  const [prices, meters] = await Promise.all([
    prisma.price.findMany({ where: { tenantId: input.tenantId, id: { in: windows.map((w) => w.priceId) } } }),
    prisma.meter.findMany({ where: { tenantId: input.tenantId, id: { in: windows.map((w) => w.meterId) } } }),
  ]);
  const rows = [];
  for (const window of windows) {
    const price = prices.find((p) => p.id === window.priceId);
    const meter = meters.find((m) => m.id === window.meterId);
    if (price === undefined) throw notFound('price', window.priceId);
    if (meter === undefined) throw notFound('meter', window.meterId);
    const quantity = await meterQuantity(prisma, {
      tenantId: input.tenantId,
      customerId: input.customerId,
      meter: quantityMeterOf(meter),
      from: window.from,
      to: window.to,
    });
    const priced = priceUsage(price.definition as unknown as PriceDefinition, quantity);
    rows.push({ meterId: meter.id, meterKey: meter.key, priceId: price.id, from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), quantity, amount: priced.amount.amount });
  }
  return {
    object: 'subscription_usage',
    subscriptionId: input.subscriptionId,
    currency: input.currency,
    from: new Date(input.billedUntil).toISOString(),
    to: new Date(input.now).toISOString(),
    meters: rows,
  };
}
