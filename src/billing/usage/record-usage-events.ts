import { hash } from 'node:crypto';
import { eventMatchesMeter, isDomainError, meterValue, type MeterDefinition } from '../../domain/index.js';
import type pg from 'pg';
import { withSqlTransaction, type PrismaClient } from '../../db/prisma-client.js';
import { failure, type BillingError, type FailureCode } from '../failures.js';
import { filtersOf } from '../meters/views.js';
import { attributeUsage, lockUsageSubscriptions, type UsageAttribution } from './usage-attribution.js';

/** How far back an event may be timestamped (Stripe's meter events: 35 days), and how far ahead. */
export const USAGE_MAX_AGE_MS = 35 * 86_400_000;
export const USAGE_MAX_FUTURE_MS = 5 * 60_000;

export interface UsageEventInput {
  /** Unique per tenant, forever: the same id is counted once. */
  transactionId: string;
  eventName: string;
  customerId?: string | undefined;
  subscriptionId?: string | undefined;
  /** Epoch ms. */
  timestamp: number;
  properties: Record<string, unknown>;
}

export type UsageEventResult =
  | ({ transactionId: string; status: 'accepted' | 'duplicate'; customerId: string; meterIds: string[] } & UsageAttribution)
  | { transactionId: string; status: 'rejected'; code: FailureCode; message: string; kind: BillingError['kind'] };

interface MeterRow extends MeterDefinition {
  id: string;
}

interface Prepared {
  input: UsageEventInput;
  customerId: string;
  hash: string;
  meters: Array<{ meterId: string; aggregation: MeterDefinition['aggregation']; value: string | null }>;
}

function reject(transactionId: string, error: BillingError): UsageEventResult {
  return { transactionId, status: 'rejected', code: error.code as FailureCode, message: error.message, kind: error.kind };
}

/** The content an id stands for: a repeat with other content is a conflict, not a duplicate. */
function contentHash(event: UsageEventInput, customerId: string): string {
  const canonical = JSON.stringify([event.eventName, customerId, event.subscriptionId ?? null, event.timestamp, sortKeys(event.properties)]);
  return hash('sha256', canonical, 'base64url');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

async function metersFor(client: pg.PoolClient, tenantId: string, eventNames: string[]): Promise<Map<string, MeterRow[]>> {
  const { rows } = await client.query<{ id: string; event_name: string; aggregation: MeterDefinition['aggregation']; value_property: string | null; unique_property: string | null; filters: unknown }>(
    'SELECT id, event_name, aggregation::text AS aggregation, value_property, unique_property, filters FROM meters WHERE tenant_id = $1 AND event_name = ANY($2::text[])',
    [tenantId, eventNames],
  );
  const byName = new Map<string, MeterRow[]>();
  for (const row of rows) {
    const meter: MeterRow = { id: row.id, eventName: row.event_name, aggregation: row.aggregation, valueProperty: row.value_property, uniqueProperty: row.unique_property, filters: filtersOf(row.filters) };
    byName.set(row.event_name, [...(byName.get(row.event_name) ?? []), meter]);
  }
  return byName;
}

/** Who each event is for: its customer directly, or its subscription's customer (tenant-scoped). */
async function customersOf(client: pg.PoolClient, tenantId: string, events: readonly UsageEventInput[]): Promise<{ customers: Set<string>; subscriptions: Map<string, string> }> {
  const customerIds = [...new Set(events.flatMap((e) => (e.customerId === undefined ? [] : [e.customerId])))];
  const subscriptionIds = [...new Set(events.flatMap((e) => (e.subscriptionId === undefined ? [] : [e.subscriptionId])))];
  const { rows } = await client.query<{ kind: 'customer' | 'subscription'; id: string; customer_id: string }>(
    `SELECT 'customer' AS kind, id, id AS customer_id FROM customers WHERE tenant_id = $1 AND id = ANY($2::text[])
     UNION ALL
     SELECT 'subscription', id, customer_id FROM subscriptions WHERE tenant_id = $1 AND id = ANY($3::text[])`,
    [tenantId, customerIds, subscriptionIds],
  );
  return {
    customers: new Set(rows.filter((r) => r.kind === 'customer').map((r) => r.id)),
    subscriptions: new Map(rows.filter((r) => r.kind === 'subscription').map((r) => [r.id, r.customer_id])),
  };
}

/** Validates one event against the clock, its customer and the meters that read it. */
function prepare(event: UsageEventInput, now: number, meters: Map<string, MeterRow[]>, who: { customers: Set<string>; subscriptions: Map<string, string> }): Prepared | BillingError {
  if (event.timestamp < now - USAGE_MAX_AGE_MS || event.timestamp > now + USAGE_MAX_FUTURE_MS) {
    return failure('usage_timestamp_out_of_range', 'timestamp must be within the last 35 days and at most 5 minutes ahead', {
      fields: [{ path: 'timestamp', code: 'usage_timestamp_out_of_range', message: 'older than 35 days or more than 5 minutes ahead' }],
    });
  }
  let customerId: string | undefined;
  if (event.subscriptionId !== undefined) {
    customerId = who.subscriptions.get(event.subscriptionId);
    if (customerId === undefined) return failure('subscription_not_found', `No subscription ${event.subscriptionId}`, { id: event.subscriptionId });
    if (event.customerId !== undefined && event.customerId !== customerId) {
      return failure('invalid_input', 'customerId is not the customer of subscriptionId', { fields: [{ path: 'customerId', message: 'not the subscription\'s customer' }] });
    }
  } else if (event.customerId !== undefined && who.customers.has(event.customerId)) {
    customerId = event.customerId;
  } else {
    return failure('customer_not_found', `No customer ${event.customerId ?? ''}`, { id: event.customerId ?? null });
  }
  const matched: Prepared['meters'] = [];
  for (const meter of meters.get(event.eventName) ?? []) {
    if (!eventMatchesMeter(meter, event.eventName, event.properties)) continue;
    try {
      matched.push({ meterId: meter.id, aggregation: meter.aggregation, value: meterValue(meter, event.properties) });
    } catch (error) {
      if (isDomainError(error)) return failure(error.code, error.message, { ...error.details, fields: [{ path: `properties.${String(error.details.property)}`, code: error.code, message: error.message }] });
      throw error;
    }
  }
  return { input: event, customerId, hash: contentHash(event, customerId), meters: matched };
}

/**
 * Stores the new events and adds them to the per-(customer, meter, hour) roll-ups in one
 * statement: the rows go to PostgreSQL as one JSON document, the INSERT skips ids already stored,
 * and only the rows it inserted are rolled up (what a window's quantity is read from). Roll-up
 * rows are upserted in key order, so concurrent batches that touch the same hours queue rather
 * than deadlock. Returns the ids that were new.
 */
async function storeEvents(client: pg.PoolClient, tenantId: string, events: readonly Prepared[], attribution: Map<string, UsageAttribution>): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = events.map((e) => ({
    t: e.input.transactionId,
    n: e.input.eventName,
    c: e.customerId,
    s: attribution.get(e.input.transactionId)?.subscriptionId ?? null,
    ts: new Date(e.input.timestamp).toISOString(),
    p: e.input.properties,
    h: e.hash,
    // Per meter that reads it: unique_count reads text, every other aggregation a decimal (count none).
    m: e.meters.map((m) => m.meterId),
    v: e.meters.map((m) => (m.aggregation === 'unique_count' ? null : m.value)),
    u: e.meters.map((m) => (m.aggregation === 'unique_count' ? m.value : null)),
  }));
  const { rows: inserted } = await client.query<{ transaction_id: string }>(
    `WITH input AS MATERIALIZED (
       SELECT * FROM json_to_recordset($2::json) AS e(t text, n text, c text, s text, ts timestamp(3), p jsonb, h text, m text[], v numeric[], u text[])
     ),
     inserted AS (
       INSERT INTO usage_events (tenant_id, transaction_id, event_name, customer_id, subscription_id, timestamp, properties, content_hash)
       SELECT $1, t, n, c, s, ts, p, h FROM input
       ON CONFLICT (tenant_id, transaction_id) DO NOTHING
       RETURNING transaction_id
     ),
     pairs AS MATERIALIZED (
       SELECT i.c, mv.m, i.ts AS t, i.t AS x, mv.v, mv.u
       FROM input i JOIN inserted ON inserted.transaction_id = i.t, LATERAL unnest(i.m, i.v, i.u) AS mv(m, v, u)
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
     )
     SELECT transaction_id FROM inserted`,
    [tenantId, JSON.stringify(rows)],
  );
  return new Set(inserted.map((row) => row.transaction_id));
}

/**
 * Records usage events, each exactly once: a transaction id already stored is acknowledged as a
 * duplicate (or refused as `usage_event_conflict` when its content differs), never counted
 * twice. Every event gets its own answer; the accepted ones, and their roll-ups, are committed
 * before this returns. Events no subscription bills are kept and reported (`billable: false`).
 */
export async function recordUsageEvents(prisma: PrismaClient, input: { tenantId: string; events: readonly UsageEventInput[]; now: number }): Promise<UsageEventResult[]> {
  const { tenantId, now } = input;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withSqlTransaction(prisma, (client) => record(client, tenantId, input.events, now));
    } catch (error) {
      // Two batches locking the same hours in a different order: one is chosen and simply runs again.
      if (attempt < 5 && isSerializationFailure(error)) continue;
      throw error;
    }
  }
}

function isSerializationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '40P01' || code === '40001') return true;
  const text = error instanceof Error ? error.message : String(error);
  return /deadlock detected|could not serialize|40P01|40001/.test(text);
}

async function record(client: pg.PoolClient, tenantId: string, events: readonly UsageEventInput[], now: number): Promise<UsageEventResult[]> {
  const meters = await metersFor(client, tenantId, [...new Set(events.map((e) => e.eventName))]);
  const who = await customersOf(client, tenantId, events);
  const results = new Map<number, UsageEventResult>();
  const firstIndex = new Map<string, number>();
  const fresh: Array<{ index: number; prepared: Prepared }> = [];
  for (const [index, event] of events.entries()) {
    const prepared = prepare(event, now, meters, who);
    if (!('input' in prepared)) {
      results.set(index, reject(event.transactionId, prepared));
      continue;
    }
    const earlier = firstIndex.get(event.transactionId);
    if (earlier !== undefined) continue; // answered below, after the first occurrence
    firstIndex.set(event.transactionId, index);
    fresh.push({ index, prepared });
  }
  const subscriptions = await lockUsageSubscriptions(client, tenantId, [...new Set(fresh.map((f) => f.prepared.customerId))]);
  const attribution = attributeUsage(subscriptions, fresh.map((f) => f.prepared));
  const inserted = await storeEvents(client, tenantId, fresh.map((f) => f.prepared), attribution);
  const existing = fresh.filter((f) => !inserted.has(f.prepared.input.transactionId));
  const storedHashes = new Map<string, { hash: string; subscriptionId: string | null }>();
  if (existing.length > 0) {
    const { rows } = await client.query<{ transaction_id: string; content_hash: string; subscription_id: string | null }>(
      'SELECT transaction_id, content_hash, subscription_id FROM usage_events WHERE tenant_id = $1 AND transaction_id = ANY($2::text[])',
      [tenantId, existing.map((f) => f.prepared.input.transactionId)],
    );
    for (const row of rows) storedHashes.set(row.transaction_id, { hash: row.content_hash, subscriptionId: row.subscription_id });
  }
  const outcomeOf = (prepared: Prepared, isNew: boolean): UsageEventResult => {
    const id = prepared.input.transactionId;
    const base = { transactionId: id, customerId: prepared.customerId, meterIds: prepared.meters.map((m) => m.meterId) };
    if (isNew) return { ...base, status: 'accepted', ...(attribution.get(id) ?? { billable: false, subscriptionId: null, reason: 'no_subscription' }) };
    const stored = storedHashes.get(id);
    if (stored === undefined || stored.hash !== prepared.hash) {
      return reject(id, failure('usage_event_conflict', `transactionId ${id} was recorded with other content`, { transactionId: id }));
    }
    return { ...base, status: 'duplicate', ...(stored.subscriptionId === null ? { billable: false, subscriptionId: null, reason: 'no_subscription' as const } : { billable: true, subscriptionId: stored.subscriptionId }) };
  };
  for (const { index, prepared } of fresh) results.set(index, outcomeOf(prepared, inserted.has(prepared.input.transactionId)));
  // Repeats inside the batch answer like a repeat of the stored event.
  const freshById = new Map(fresh.map((f) => [f.prepared.input.transactionId, f]));
  for (const [index, event] of events.entries()) {
    if (results.has(index)) continue;
    const first = freshById.get(event.transactionId);
    const prepared = prepare(event, now, meters, who);
    if (first === undefined || !('input' in prepared)) continue;
    const firstResult = results.get(first.index);
    if (prepared.hash !== first.prepared.hash) results.set(index, reject(event.transactionId, failure('usage_event_conflict', `transactionId ${event.transactionId} appears twice with other content`, { transactionId: event.transactionId })));
    else if (firstResult && firstResult.status !== 'rejected') results.set(index, { ...firstResult, status: 'duplicate' });
    else if (firstResult) results.set(index, firstResult);
  }
  return events.map((event, index) => results.get(index) ?? reject(event.transactionId, failure('invalid_input', 'The event could not be read')));
}
