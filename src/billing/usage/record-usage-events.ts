import { hash } from 'node:crypto';
import { eventMatchesMeter, isDomainError, meterValue, type MeterDefinition } from '../../domain/index.js';
import type pg from 'pg';
import { connectedSqlPool, type PrismaClient } from '../../db/prisma-client.js';
import { failure, type BillingError, type FailureCode } from '../failures.js';
import { filtersOf } from '../meters/views.js';
import { storedContent, storeUsageEvents, type EventToStore, type UsageAttribution } from './store-usage-events.js';

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

interface Prepared extends EventToStore {
  input: UsageEventInput;
  meters: Array<{ meterId: string; aggregation: MeterDefinition['aggregation']; value: string | null }>;
}

function reject(transactionId: string, error: BillingError): UsageEventResult {
  return { transactionId, status: 'rejected', code: error.code as FailureCode, message: error.message, kind: error.kind };
}

const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

/** The content an id stands for: a repeat with other content is a conflict, not a duplicate. */
function contentHash(event: UsageEventInput, customerId: string): string {
  const head = JSON.stringify([event.eventName, customerId, event.subscriptionId ?? null, event.timestamp]);
  // `[…head, properties with sorted keys]`. Flat properties (all the API accepts) are written with
  // the sorted keys as JSON.stringify's key list, without building a sorted copy — unless a key is
  // an array index, which a JavaScript object orders first whatever the insertion order.
  const props = event.properties;
  const keys = Object.keys(props).sort();
  const simple = keys.every((key) => !ARRAY_INDEX.test(key) && (props[key] === null || typeof props[key] !== 'object'));
  const body = simple ? JSON.stringify(props, keys) : JSON.stringify(sortKeys(props));
  return hash('sha256', `${head.slice(0, -1)},${body}]`, 'base64url');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

interface Context {
  meters: Map<string, MeterRow[]>;
  who: { customers: Set<string>; subscriptions: Map<string, string> };
}

/** In one read: the meters of the events' names, and who each event is for — its customer, or its subscription's customer (tenant-scoped). */
async function loadContext(db: pg.Pool, tenantId: string, events: readonly UsageEventInput[]): Promise<Context> {
  const names = [...new Set(events.map((e) => e.eventName))];
  const customerIds = [...new Set(events.flatMap((e) => (e.customerId === undefined ? [] : [e.customerId])))];
  const subscriptionIds = [...new Set(events.flatMap((e) => (e.subscriptionId === undefined ? [] : [e.subscriptionId])))];
  type MeterJson = { id: string; event_name: string; aggregation: MeterDefinition['aggregation']; value_property: string | null; unique_property: string | null; filters: unknown };
  const { rows } = await db.query<{ meters: MeterJson[]; customers: string[]; subscriptions: Array<[string, string]> }>({
    name: 'usage-event-context',
    text: `SELECT
       (SELECT coalesce(json_agg(json_build_object('id', id, 'event_name', event_name, 'aggregation', aggregation::text, 'value_property', value_property, 'unique_property', unique_property, 'filters', filters)), '[]')
          FROM meters WHERE tenant_id = $1 AND event_name = ANY($2::text[])) AS meters,
       (SELECT coalesce(json_agg(id), '[]') FROM customers WHERE tenant_id = $1 AND id = ANY($3::text[])) AS customers,
       (SELECT coalesce(json_agg(json_build_array(id, customer_id)), '[]') FROM subscriptions WHERE tenant_id = $1 AND id = ANY($4::text[])) AS subscriptions`,
    values: [tenantId, names, customerIds, subscriptionIds],
  });
  const row = rows[0]!;
  const meters = new Map<string, MeterRow[]>();
  for (const m of row.meters) {
    const meter: MeterRow = { id: m.id, eventName: m.event_name, aggregation: m.aggregation, valueProperty: m.value_property, uniqueProperty: m.unique_property, filters: filtersOf(m.filters) };
    meters.set(m.event_name, [...(meters.get(m.event_name) ?? []), meter]);
  }
  return { meters, who: { customers: new Set(row.customers), subscriptions: new Map(row.subscriptions) } };
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
 * Records usage events, each exactly once: a transaction id already stored is acknowledged as a
 * duplicate (or refused as `usage_event_conflict` when its content differs), never counted
 * twice. Every event gets its own answer; the accepted ones, and their roll-ups, are committed
 * before this returns. Events no subscription bills are kept and reported (`billable: false`).
 */
export async function recordUsageEvents(prisma: PrismaClient, input: { tenantId: string; events: readonly UsageEventInput[]; now: number }): Promise<UsageEventResult[]> {
  return record(await connectedSqlPool(prisma), input.tenantId, input.events, input.now);
}

/** Two round trips whatever the batch size: one read of meters and customers, one statement that stores (see storeUsageEvents). */
async function record(db: pg.Pool, tenantId: string, events: readonly UsageEventInput[], now: number): Promise<UsageEventResult[]> {
  const { meters, who } = await loadContext(db, tenantId, events);
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
  const stored = await storeUsageEvents(db, tenantId, fresh.map((f) => f.prepared));
  // Repeats of ids another statement stored after this one's snapshot was taken: read them now.
  const unseen = fresh.map((f) => f.prepared.input.transactionId).filter((id) => {
    const outcome = stored.get(id);
    return outcome !== undefined && !outcome.inserted && outcome.existing === null;
  });
  const late = await storedContent(db, tenantId, unseen);
  const outcomeOf = (prepared: Prepared): UsageEventResult => {
    const id = prepared.input.transactionId;
    const base = { transactionId: id, customerId: prepared.customerId, meterIds: prepared.meters.map((m) => m.meterId) };
    const outcome = stored.get(id);
    if (outcome?.inserted) return { ...base, status: 'accepted', ...outcome.attribution };
    const existing = outcome?.existing ?? late.get(id);
    if (existing === undefined || existing.contentHash !== prepared.hash) {
      return reject(id, failure('usage_event_conflict', `transactionId ${id} was recorded with other content`, { transactionId: id }));
    }
    return { ...base, status: 'duplicate', ...(existing.subscriptionId === null ? { billable: false, subscriptionId: null, reason: 'no_subscription' as const } : { billable: true, subscriptionId: existing.subscriptionId }) };
  };
  for (const { index, prepared } of fresh) results.set(index, outcomeOf(prepared));
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
