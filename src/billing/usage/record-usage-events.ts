import { createHash } from 'node:crypto';
import { eventMatchesMeter, isDomainError, meterValue, type MeterDefinition } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { runInTransaction } from '../db.js';
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
  return createHash('sha256').update(canonical).digest('base64url');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

async function metersFor(tx: Prisma.TransactionClient, tenantId: string, eventNames: string[]): Promise<Map<string, MeterRow[]>> {
  const rows = await tx.meter.findMany({ where: { tenantId, eventName: { in: eventNames } } });
  const byName = new Map<string, MeterRow[]>();
  for (const row of rows) {
    const meter: MeterRow = { id: row.id, eventName: row.eventName, aggregation: row.aggregation, valueProperty: row.valueProperty, uniqueProperty: row.uniqueProperty, filters: filtersOf(row.filters) };
    byName.set(row.eventName, [...(byName.get(row.eventName) ?? []), meter]);
  }
  return byName;
}

/** Who each event is for: its customer directly, or its subscription's customer (tenant-scoped). */
async function customersOf(tx: Prisma.TransactionClient, tenantId: string, events: readonly UsageEventInput[]): Promise<{ customers: Set<string>; subscriptions: Map<string, string> }> {
  const customerIds = [...new Set(events.flatMap((e) => (e.customerId === undefined ? [] : [e.customerId])))];
  const subscriptionIds = [...new Set(events.flatMap((e) => (e.subscriptionId === undefined ? [] : [e.subscriptionId])))];
  const [customers, subscriptions] = await Promise.all([
    customerIds.length === 0 ? [] : tx.customer.findMany({ where: { tenantId, id: { in: customerIds } }, select: { id: true } }),
    subscriptionIds.length === 0 ? [] : tx.subscription.findMany({ where: { tenantId, id: { in: subscriptionIds } }, select: { id: true, customerId: true } }),
  ]);
  return { customers: new Set(customers.map((c) => c.id)), subscriptions: new Map(subscriptions.map((s) => [s.id, s.customerId])) };
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

/** Inserts the new events; returns the ids that were new. */
async function insertEvents(tx: Prisma.TransactionClient, tenantId: string, events: readonly Prepared[], attribution: Map<string, UsageAttribution>): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const inserted = await tx.$queryRaw<Array<{ transaction_id: string }>>`
    INSERT INTO usage_events (tenant_id, transaction_id, event_name, customer_id, subscription_id, timestamp, properties, content_hash)
    SELECT ${tenantId}, e.transaction_id, e.event_name, e.customer_id, e.subscription_id, e.ts, e.properties, e.content_hash
    FROM unnest(${events.map((e) => e.input.transactionId)}::text[], ${events.map((e) => e.input.eventName)}::text[], ${events.map((e) => e.customerId)}::text[],
                ${events.map((e) => attribution.get(e.input.transactionId)?.subscriptionId ?? null)}::text[],
                ${events.map((e) => new Date(e.input.timestamp).toISOString())}::timestamp(3)[], ${events.map((e) => JSON.stringify(e.input.properties))}::jsonb[],
                ${events.map((e) => e.hash)}::text[])
         AS e(transaction_id, event_name, customer_id, subscription_id, ts, properties, content_hash)
    ON CONFLICT (tenant_id, transaction_id) DO NOTHING
    RETURNING transaction_id`;
  return new Set(inserted.map((row) => row.transaction_id));
}

/**
 * Adds the new events to the per-(customer, meter, hour) roll-ups in the same transaction: what
 * a window's quantity is read from. Rows are upserted in key order, so concurrent batches that
 * touch the same hours queue rather than deadlock.
 */
async function rollUp(tx: Prisma.TransactionClient, tenantId: string, events: readonly Prepared[]): Promise<void> {
  const pairs = events.flatMap((e) => e.meters.map((m) => ({ e, m })));
  if (pairs.length === 0) return;
  const customers = pairs.map(({ e }) => e.customerId);
  const meters = pairs.map(({ m }) => m.meterId);
  const times = pairs.map(({ e }) => new Date(e.input.timestamp).toISOString());
  const ids = pairs.map(({ e }) => e.input.transactionId);
  // unique_count reads text; every other aggregation reads a decimal (count reads none).
  const numbers = pairs.map(({ m }) => (m.aggregation === 'unique_count' ? null : m.value));
  await tx.$executeRaw`
    INSERT INTO usage_rollups AS r (tenant_id, customer_id, meter_id, hour_start, event_count, value_sum, value_max, latest_at, latest_transaction_id, latest_value, value_time_sum)
    SELECT ${tenantId}, e.c, e.m, date_trunc('hour', e.t), count(*), coalesce(sum(e.v), 0), max(e.v), max(e.t),
           (array_agg(e.x ORDER BY e.t DESC, e.x COLLATE "C" DESC))[1], (array_agg(e.v ORDER BY e.t DESC, e.x COLLATE "C" DESC))[1],
           coalesce(sum(e.v * floor(extract(epoch FROM e.t) * 1000)), 0)
    FROM unnest(${customers}::text[], ${meters}::text[], ${times}::timestamp(3)[], ${ids}::text[], ${numbers}::numeric[]) AS e(c, m, t, x, v)
    GROUP BY e.c, e.m, date_trunc('hour', e.t)
    ORDER BY e.c, e.m, date_trunc('hour', e.t)
    ON CONFLICT (tenant_id, customer_id, meter_id, hour_start) DO UPDATE SET
      event_count = r.event_count + EXCLUDED.event_count,
      value_sum = r.value_sum + EXCLUDED.value_sum,
      value_max = GREATEST(r.value_max, EXCLUDED.value_max),
      latest_value = CASE WHEN r.latest_at IS NULL OR (EXCLUDED.latest_at, EXCLUDED.latest_transaction_id COLLATE "C") > (r.latest_at, r.latest_transaction_id COLLATE "C") THEN EXCLUDED.latest_value ELSE r.latest_value END,
      latest_transaction_id = CASE WHEN r.latest_at IS NULL OR (EXCLUDED.latest_at, EXCLUDED.latest_transaction_id COLLATE "C") > (r.latest_at, r.latest_transaction_id COLLATE "C") THEN EXCLUDED.latest_transaction_id ELSE r.latest_transaction_id END,
      latest_at = GREATEST(r.latest_at, EXCLUDED.latest_at),
      value_time_sum = r.value_time_sum + EXCLUDED.value_time_sum`;
  const unique = pairs.filter(({ m }) => m.aggregation === 'unique_count' && m.value !== null);
  if (unique.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO usage_unique_values (tenant_id, customer_id, meter_id, hour_start, value)
    SELECT DISTINCT ${tenantId}, e.c, e.m, date_trunc('hour', e.t), e.u
    FROM unnest(${unique.map(({ e }) => e.customerId)}::text[], ${unique.map(({ m }) => m.meterId)}::text[],
                ${unique.map(({ e }) => new Date(e.input.timestamp).toISOString())}::timestamp(3)[], ${unique.map(({ m }) => m.value)}::text[]) AS e(c, m, t, u)
    ON CONFLICT DO NOTHING`;
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
      return await runInTransaction(prisma, (tx) => record(tx, tenantId, input.events, now));
    } catch (error) {
      // Two batches locking the same hours in a different order: one is chosen and simply runs again.
      if (attempt < 5 && isSerializationFailure(error)) continue;
      throw error;
    }
  }
}

function isSerializationFailure(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /deadlock detected|could not serialize|40P01|40001/.test(text);
}

async function record(tx: Prisma.TransactionClient, tenantId: string, events: readonly UsageEventInput[], now: number): Promise<UsageEventResult[]> {
  const [meters, who] = await Promise.all([metersFor(tx, tenantId, [...new Set(events.map((e) => e.eventName))]), customersOf(tx, tenantId, events)]);
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
  const subscriptions = await lockUsageSubscriptions(tx, tenantId, [...new Set(fresh.map((f) => f.prepared.customerId))]);
  const attribution = attributeUsage(subscriptions, fresh.map((f) => f.prepared));
  const inserted = await insertEvents(tx, tenantId, fresh.map((f) => f.prepared), attribution);
  const existing = fresh.filter((f) => !inserted.has(f.prepared.input.transactionId));
  const storedHashes = existing.length === 0
    ? new Map<string, { hash: string; subscriptionId: string | null }>()
    : new Map(
        (
          await tx.usageEvent.findMany({ where: { tenantId, transactionId: { in: existing.map((f) => f.prepared.input.transactionId) } }, select: { transactionId: true, contentHash: true, subscriptionId: true } })
        ).map((row) => [row.transactionId, { hash: row.contentHash, subscriptionId: row.subscriptionId }]),
      );
  await rollUp(tx, tenantId, fresh.filter((f) => inserted.has(f.prepared.input.transactionId)).map((f) => f.prepared));
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
  for (const [index, event] of events.entries()) {
    if (results.has(index)) continue;
    const first = fresh.find((f) => f.prepared.input.transactionId === event.transactionId);
    const prepared = prepare(event, now, meters, who);
    if (first === undefined || !('input' in prepared)) continue;
    const firstResult = results.get(first.index);
    if (prepared.hash !== first.prepared.hash) results.set(index, reject(event.transactionId, failure('usage_event_conflict', `transactionId ${event.transactionId} appears twice with other content`, { transactionId: event.transactionId })));
    else if (firstResult && firstResult.status !== 'rejected') results.set(index, { ...firstResult, status: 'duplicate' });
    else if (firstResult) results.set(index, firstResult);
  }
  return events.map((event, index) => results.get(index) ?? reject(event.transactionId, failure('invalid_input', 'The event could not be read')));
}
