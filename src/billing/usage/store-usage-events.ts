import { ENTITLEMENT_CHANNEL } from '../entitlements/entitlement-changes.js';
import type pg from 'pg';

/** Whether an event will be billed, and by which subscription; why not, when it will not. */
export type UsageAttribution =
  | { billable: true; subscriptionId: string }
  | { billable: false; subscriptionId: string | null; reason: 'no_meter' | 'no_subscription' | 'usage_closed' };

/** One validated event: as sent, whom it is for, its content hash, and what each meter that reads it reads. */
export interface EventToStore {
  input: { transactionId: string; eventName: string; subscriptionId?: string | undefined; timestamp: number; properties: Record<string, unknown> };
  /** The event's customer, or its subscription's. */
  customerId: string;
  hash: string;
  meters: ReadonlyArray<{ meterId: string; aggregation: string; value: string | null }>;
}

/** What the statement says about one event: stored now, or already stored (with what it was stored as). */
export interface StoredOutcome {
  inserted: boolean;
  attribution: UsageAttribution;
  /** For an id stored before: its content hash and subscription; null when the row is not visible to this statement (stored concurrently). */
  existing: { contentHash: string; subscriptionId: string | null } | null;
}

interface Row {
  t: string;
  inserted: boolean;
  sub: string | null;
  closed: boolean;
  stored_hash: string | null;
  stored_sub: string | null;
}

/**
 * Stores new events, attributes each to the subscription that bills it, and adds them to the
 * per-(customer, meter, hour) roll-ups a window's quantity is read from — in one statement, so
 * one round trip and one commit, atomic by itself:
 *
 * - The customers' subscriptions that bill a meter are locked FOR SHARE until the statement
 *   commits. A final invoice closes a subscription's usage under the row's exclusive lock, so an
 *   event is either stored and counted before that, or sees the closed usage and is reported as
 *   not billable — never silently lost in between.
 * - An event is billed by the customer's subscription (or the one it names) that has a price on one
 *   of its meters and was billing usage at the event's instant. A customer has at most one such
 *   subscription per meter (creation refuses a second), so the answer is unique.
 * - The INSERT skips ids already stored; only the rows it inserted are rolled up. Roll-up rows are
 *   upserted in key order, so concurrent statements touching the same hours queue rather than
 *   deadlock; a deadlock still possible between hours rolls the statement back whole, and it runs again.
 *
 */
export async function storeUsageEvents(db: pg.Pool, tenantId: string, events: readonly EventToStore[]): Promise<Map<string, StoredOutcome>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await storeOnce(db, tenantId, events);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt < 5 && (code === '40P01' || code === '40001')) continue; // deadlock or serialization failure: nothing was kept
      throw error;
    }
  }
}

async function storeOnce(db: pg.Pool, tenantId: string, events: readonly EventToStore[]): Promise<Map<string, StoredOutcome>> {
  const outcomes = new Map<string, StoredOutcome>();
  if (events.length === 0) return outcomes;
  // One array per column, each written as a PostgreSQL array literal (array_in parses these far
  // faster than json_to_recordset parses the same rows as JSON, and building them here is cheaper
  // than pg's generic array serialisation). Meter readings travel as rows of their own, keyed by
  // the event's position.
  const pairs = { k: [] as string[], m: [] as string[], v: [] as Array<string | null>, u: [] as Array<string | null> };
  events.forEach((e, index) => {
    for (const m of e.meters) {
      pairs.k.push(String(index + 1));
      pairs.m.push(m.meterId);
      // unique_count reads text, every other aggregation a decimal (count none).
      pairs.v.push(m.aggregation === 'unique_count' ? null : m.value);
      pairs.u.push(m.aggregation === 'unique_count' ? m.value : null);
    }
  });
  const { rows: answered } = await db.query<Row>({
    // Named: each connection plans it once (planning this statement costs more than storing 25 events).
    name: 'usage-store-events',
    text: `WITH input AS MATERIALIZED (
       SELECT e.t, e.n, e.c, e.s, e.ts, pj.p::jsonb AS p, e.h, e.k
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamp(3)[], $8::text[]) WITH ORDINALITY AS e(t, n, c, s, ts, h, k)
       JOIN json_array_elements($7::json) WITH ORDINALITY AS pj(p, k) ON pj.k = e.k
     ),
     readings AS MATERIALIZED (
       SELECT * FROM unnest($9::bigint[], $10::text[], $11::numeric[], $12::text[]) AS r(k, m, v, u)
     ),
     locked AS MATERIALIZED (
       SELECT id, customer_id, COALESCE(usage_from, trial_end, billing_anchor) AS usage_from, ended_at, usage_closed_at
       FROM subscriptions WHERE tenant_id = $1 AND customer_id IN (SELECT c FROM input) ORDER BY id FOR SHARE
     ),
     billing AS MATERIALIZED (
       SELECT DISTINCT l.id, l.customer_id, p.meter_id, l.usage_from, l.ended_at, l.usage_closed_at
       FROM locked l JOIN subscription_items si ON si.subscription_id = l.id JOIN prices p ON p.id = si.price_id
       WHERE p.meter_id IS NOT NULL
     ),
     attribution AS MATERIALIZED (
       -- Hash joins on the event and on (customer, meter), never a scan of every subscription per
       -- event; narrow rows, and only the events some subscription bills. Of several, the first id.
       SELECT DISTINCT ON (r.k) r.k, b.id AS sub, b.usage_closed_at IS NOT NULL AS closed
       FROM readings r
       JOIN input i ON i.k = r.k
       JOIN billing b ON b.meter_id = r.m AND b.customer_id = i.c AND (i.s IS NULL OR b.id = i.s)
        AND b.usage_from <= i.ts AND (b.ended_at IS NULL OR i.ts < b.ended_at)
       ORDER BY r.k, b.id
     ),
     inserted AS (
       INSERT INTO usage_events (tenant_id, transaction_id, event_name, customer_id, subscription_id, timestamp, properties, content_hash)
       SELECT $1, i.t, i.n, i.c, a.sub, i.ts, i.p, i.h FROM input i LEFT JOIN attribution a ON a.k = i.k
       ON CONFLICT (tenant_id, transaction_id) DO NOTHING
       RETURNING transaction_id
     ),
     pairs AS MATERIALIZED (
       SELECT i.c, r.m, i.ts AS t, i.t AS x, r.v, r.u
       FROM readings r JOIN input i ON i.k = r.k JOIN inserted ON inserted.transaction_id = i.t
     ),
     rolled AS (
       INSERT INTO usage_rollups AS r (tenant_id, customer_id, meter_id, hour_start, event_count, value_sum, value_max, latest_at, latest_transaction_id, latest_value, value_time_sum)
       SELECT $1, e.c, e.m, date_trunc('hour', e.t), count(*), coalesce(sum(e.v), 0), max(e.v), max(e.t),
              (array_agg(e.x ORDER BY e.t DESC, e.x COLLATE "C" DESC))[1], (array_agg(e.v ORDER BY e.t DESC, e.x COLLATE "C" DESC))[1],
              coalesce(sum(e.v * floor(extract(epoch FROM e.t) * 1000)), 0)
       FROM pairs e
       GROUP BY e.c, e.m, date_trunc('hour', e.t)
       ORDER BY e.c, e.m, date_trunc('hour', e.t)
       ON CONFLICT (tenant_id, customer_id, meter_id, hour_start) DO UPDATE SET
         event_count = r.event_count + EXCLUDED.event_count,
         value_sum = r.value_sum + EXCLUDED.value_sum,
         value_max = GREATEST(r.value_max, EXCLUDED.value_max),
         latest_value = CASE WHEN r.latest_at IS NULL OR (EXCLUDED.latest_at, EXCLUDED.latest_transaction_id COLLATE "C") > (r.latest_at, r.latest_transaction_id COLLATE "C") THEN EXCLUDED.latest_value ELSE r.latest_value END,
         latest_transaction_id = CASE WHEN r.latest_at IS NULL OR (EXCLUDED.latest_at, EXCLUDED.latest_transaction_id COLLATE "C") > (r.latest_at, r.latest_transaction_id COLLATE "C") THEN EXCLUDED.latest_transaction_id ELSE r.latest_transaction_id END,
         latest_at = GREATEST(r.latest_at, EXCLUDED.latest_at),
         value_time_sum = r.value_time_sum + EXCLUDED.value_time_sum
     ),
     uniques AS (
       INSERT INTO usage_unique_values (tenant_id, customer_id, meter_id, hour_start, value)
       SELECT DISTINCT $1, e.c, e.m, date_trunc('hour', e.t), e.u FROM pairs e WHERE e.u IS NOT NULL
       ON CONFLICT DO NOTHING
     ),
     notified AS MATERIALIZED (
       -- The entitlement caches drop these customers' usage when the statement commits: only for
       -- meters a feature counts (usage of any other meter answers no entitlement check).
       SELECT pg_notify('${ENTITLEMENT_CHANNEL}', 'usage:' || $1 || ':' || changed.c)
       FROM (SELECT DISTINCT e.c FROM pairs e WHERE e.m IN (SELECT meter_id FROM features WHERE tenant_id = $1 AND meter_id IS NOT NULL)) AS changed
     )
     -- The statement's snapshot shows ids stored before it began, never the rows it inserts itself;
     -- one index probe per id not inserted (a join would let a stale estimate scan the tenant's events).
     SELECT i.t, ins.transaction_id IS NOT NULL AS inserted, a.sub, coalesce(a.closed, false) AS closed, e.content_hash AS stored_hash, e.subscription_id AS stored_sub
     FROM input i
     LEFT JOIN attribution a ON a.k = i.k
     LEFT JOIN inserted ins ON ins.transaction_id = i.t
     LEFT JOIN LATERAL (
       SELECT content_hash, subscription_id FROM usage_events WHERE ins.transaction_id IS NULL AND tenant_id = $1 AND transaction_id = i.t LIMIT 1
     ) e ON true
     WHERE (SELECT count(*) FROM notified) >= 0`,
    values: [
      tenantId,
      textArray(events.map((e) => e.input.transactionId)),
      textArray(events.map((e) => e.input.eventName)),
      textArray(events.map((e) => e.customerId)),
      textArray(events.map((e) => e.input.subscriptionId ?? null)),
      textArray(events.map((e) => new Date(e.input.timestamp).toISOString())),
      // The properties as one JSON array: one native stringify, nothing to escape.
      JSON.stringify(events.map((e) => e.input.properties)),
      textArray(events.map((e) => e.hash)),
      `{${pairs.k.join(',')}}`,
      textArray(pairs.m),
      textArray(pairs.v),
      textArray(pairs.u),
    ],
  });
  const meterless = new Set(events.filter((e) => e.meters.length === 0).map((e) => e.input.transactionId));
  for (const row of answered) {
    outcomes.set(row.t, {
      inserted: row.inserted,
      attribution: attributionOf(row, meterless.has(row.t)),
      existing: row.inserted || row.stored_hash === null ? null : { contentHash: row.stored_hash, subscriptionId: row.stored_sub },
    });
  }
  return outcomes;
}

const ARRAY_SPECIAL = /[\\"]/g;

/** A PostgreSQL array literal of text: every element quoted, backslashes and double quotes escaped; null is NULL. */
function textArray(values: ReadonlyArray<string | null>): string {
  const elements = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) elements[i] = 'NULL';
    else if (value.indexOf('"') === -1 && value.indexOf('\\') === -1) elements[i] = `"${value}"`;
    else elements[i] = `"${value.replace(ARRAY_SPECIAL, '\\$&')}"`;
  }
  return `{${elements.join(',')}}`;
}

function attributionOf(row: Row, meterless: boolean): UsageAttribution {
  if (meterless) return { billable: false, subscriptionId: null, reason: 'no_meter' };
  if (row.sub === null) return { billable: false, subscriptionId: null, reason: 'no_subscription' };
  if (row.closed) return { billable: false, subscriptionId: row.sub, reason: 'usage_closed' };
  return { billable: true, subscriptionId: row.sub };
}

/** The stored content of ids the statement could not see (stored by a concurrent statement that committed first). */
export async function storedContent(db: pg.Pool, tenantId: string, transactionIds: readonly string[]): Promise<Map<string, { contentHash: string; subscriptionId: string | null }>> {
  const found = new Map<string, { contentHash: string; subscriptionId: string | null }>();
  if (transactionIds.length === 0) return found;
  const { rows } = await db.query<{ transaction_id: string; content_hash: string; subscription_id: string | null }>(
    'SELECT transaction_id, content_hash, subscription_id FROM usage_events WHERE tenant_id = $1 AND transaction_id = ANY($2::text[])',
    [tenantId, [...transactionIds]],
  );
  for (const row of rows) found.set(row.transaction_id, { contentHash: row.content_hash, subscriptionId: row.subscription_id });
  return found;
}
