import type pg from 'pg';

/** Whether an event will be billed, and by which subscription; why not, when it will not. */
export type UsageAttribution =
  | { billable: true; subscriptionId: string }
  | { billable: false; subscriptionId: string | null; reason: 'no_meter' | 'no_subscription' | 'usage_closed' };

export interface UsageSubscription {
  id: string;
  customerId: string;
  usageFrom: number;
  endedAt: number | null;
  usageClosedAt: number | null;
  meterIds: Set<string>;
}

/**
 * The customers' subscriptions that bill a meter, locked FOR SHARE until the events are stored:
 * a final invoice closes a subscription's usage under the row's exclusive lock, so an event is
 * either counted before that or reported as not billable, never silently lost in between.
 * (Plain SQL on the ingestion transaction's connection: see record-usage-events.ts.)
 */
export async function lockUsageSubscriptions(client: pg.PoolClient, tenantId: string, customerIds: readonly string[]): Promise<UsageSubscription[]> {
  if (customerIds.length === 0) return [];
  const { rows } = await client.query<{ id: string; customer_id: string; usage_from: string; ended_at: string | null; usage_closed_at: string | null; meter_ids: string[] }>(
    `WITH locked AS MATERIALIZED (
       SELECT id, customer_id, COALESCE(usage_from, trial_end, billing_anchor) AS usage_from, ended_at, usage_closed_at
       FROM subscriptions WHERE tenant_id = $1 AND customer_id = ANY($2::text[]) ORDER BY id FOR SHARE
     )
     SELECT l.id, l.customer_id,
            floor(extract(epoch FROM l.usage_from) * 1000)::text AS usage_from,
            floor(extract(epoch FROM l.ended_at) * 1000)::text AS ended_at,
            floor(extract(epoch FROM l.usage_closed_at) * 1000)::text AS usage_closed_at,
            array_agg(DISTINCT p.meter_id) AS meter_ids
     FROM locked l
     JOIN subscription_items si ON si.subscription_id = l.id
     JOIN prices p ON p.id = si.price_id
     WHERE p.meter_id IS NOT NULL
     GROUP BY l.id, l.customer_id, l.usage_from, l.ended_at, l.usage_closed_at`,
    [tenantId, [...customerIds]],
  );
  const ms = (value: string | null): number | null => (value === null ? null : Number(value));
  return rows.map((row) => ({
    id: row.id,
    customerId: row.customer_id,
    usageFrom: Number(row.usage_from),
    endedAt: ms(row.ended_at),
    usageClosedAt: ms(row.usage_closed_at),
    meterIds: new Set(row.meter_ids),
  }));
}

/**
 * Which subscription bills each event: the customer's subscription (or the one the event names)
 * that has a price on one of the event's meters and was billing usage at the event's instant.
 * A customer has at most one such subscription per meter (creation refuses a second), so the
 * answer is unique.
 */
export function attributeUsage(
  subscriptions: readonly UsageSubscription[],
  events: ReadonlyArray<{ input: { transactionId: string; subscriptionId?: string | undefined; timestamp: number }; customerId: string; meters: ReadonlyArray<{ meterId: string }> }>,
): Map<string, UsageAttribution> {
  const byCustomer = new Map<string, UsageSubscription[]>();
  for (const subscription of subscriptions) byCustomer.set(subscription.customerId, [...(byCustomer.get(subscription.customerId) ?? []), subscription]);
  const attribution = new Map<string, UsageAttribution>();
  for (const event of events) {
    const id = event.input.transactionId;
    if (event.meters.length === 0) {
      attribution.set(id, { billable: false, subscriptionId: null, reason: 'no_meter' });
      continue;
    }
    const ts = event.input.timestamp;
    const covering = (byCustomer.get(event.customerId) ?? []).find(
      (s) =>
        (event.input.subscriptionId === undefined || s.id === event.input.subscriptionId) &&
        event.meters.some((m) => s.meterIds.has(m.meterId)) &&
        s.usageFrom <= ts &&
        (s.endedAt === null || ts < s.endedAt),
    );
    if (covering === undefined) attribution.set(id, { billable: false, subscriptionId: null, reason: 'no_subscription' });
    else if (covering.usageClosedAt !== null) attribution.set(id, { billable: false, subscriptionId: covering.id, reason: 'usage_closed' });
    else attribution.set(id, { billable: true, subscriptionId: covering.id });
  }
  return attribution;
}
