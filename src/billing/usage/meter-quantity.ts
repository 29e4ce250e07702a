import {
  eventMatchesMeter,
  hourStart,
  maxQuantity,
  meterValue,
  normaliseQuantity,
  sumQuantities,
  valueTimesInstant,
  weightedAverage,
  windowParts,
  type MeterDefinition,
} from '../../domain/index.js';
import type { Meter } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { filtersOf } from '../meters/views.js';

/** A meter as a window's quantity is computed for it. */
export interface QuantityMeter extends MeterDefinition {
  id: string;
  /** Events received before the meter existed were never rolled up for it, so raw edges skip them too. */
  createdAt: Date;
}

/** A stored meter as the quantity computation reads it. */
export function quantityMeterOf(row: Meter): QuantityMeter {
  return { id: row.id, eventName: row.eventName, aggregation: row.aggregation, valueProperty: row.valueProperty, uniqueProperty: row.uniqueProperty, filters: filtersOf(row.filters), createdAt: row.createdAt };
}

interface RawEvent {
  transactionId: string;
  timestamp: number;
  value: string | null;
}

/** The raw events of `[from, to)` the meter reads, with their values (few: a window's edges are under an hour each). */
async function rawEvents(db: Db, scope: { tenantId: string; customerId: string; meter: QuantityMeter }, from: number, to: number): Promise<RawEvent[]> {
  if (!(to > from)) return [];
  const rows = await db.usageEvent.findMany({
    where: {
      tenantId: scope.tenantId,
      customerId: scope.customerId,
      eventName: scope.meter.eventName,
      timestamp: { gte: new Date(from), lt: new Date(to) },
      receivedAt: { gte: scope.meter.createdAt },
    },
    select: { transactionId: true, timestamp: true, properties: true },
  });
  return rows.flatMap((row) => {
    const properties = (row.properties ?? {}) as Record<string, unknown>;
    if (!eventMatchesMeter(scope.meter, scope.meter.eventName, properties)) return [];
    return [{ transactionId: row.transactionId, timestamp: row.timestamp.getTime(), value: meterValue(scope.meter, properties) }];
  });
}

interface HourSums {
  count: string;
  sum: string;
  max: string | null;
  latestAt: Date | null;
  latestTransactionId: string | null;
  latestValue: string | null;
  valueTimeSum: string;
}

async function rollupSums(db: Db, scope: { tenantId: string; customerId: string; meterId: string }, from: number, to: number): Promise<HourSums> {
  const [row] = await db.$queryRaw<
    Array<{ count: string | null; sum: string | null; max: string | null; latest_at: Date | null; latest_id: string | null; latest_value: string | null; vt: string | null }>
  >`
    SELECT sum(event_count)::text AS count, sum(value_sum)::text AS sum, max(value_max)::text AS max,
           (array_agg(latest_at ORDER BY latest_at DESC, latest_transaction_id COLLATE "C" DESC))[1] AS latest_at,
           (array_agg(latest_transaction_id ORDER BY latest_at DESC, latest_transaction_id COLLATE "C" DESC))[1] AS latest_id,
           (array_agg(latest_value::text ORDER BY latest_at DESC, latest_transaction_id COLLATE "C" DESC))[1] AS latest_value,
           sum(value_time_sum)::text AS vt
    FROM usage_rollups
    WHERE tenant_id = ${scope.tenantId} AND customer_id = ${scope.customerId} AND meter_id = ${scope.meterId}
      AND hour_start >= ${new Date(from)} AND hour_start < ${new Date(to)} AND latest_at IS NOT NULL`;
  return {
    count: row?.count ?? '0',
    sum: row?.sum ?? '0',
    max: row?.max ?? null,
    latestAt: row?.latest_at ?? null,
    latestTransactionId: row?.latest_id ?? null,
    latestValue: row?.latest_value ?? null,
    valueTimeSum: row?.vt ?? '0',
  };
}

const later = (a: { at: number; id: string }, b: { at: number; id: string }): boolean => a.at > b.at || (a.at === b.at && a.id > b.id);

/**
 * The quantity a meter aggregates for one customer over `[from, to)`, exactly: whole hours are
 * read from the roll-ups, the ragged edges from the raw events, so the cost grows with the
 * number of hours, not of events. `weighted_sum` also needs the level before the window: every
 * delta since the customer's first event. Returned as a decimal string (12 places at most).
 */
export async function meterQuantity(db: Db, input: { tenantId: string; customerId: string; meter: QuantityMeter; from: number; to: number }): Promise<string> {
  const { meter, from, to } = input;
  if (!(to > from)) return '0';
  const scope = { tenantId: input.tenantId, customerId: input.customerId, meter };
  const rollupScope = { tenantId: input.tenantId, customerId: input.customerId, meterId: meter.id };
  const parts = windowParts(from, to);
  const [whole, ...edges] = await Promise.all([
    parts.wholeHours === null ? null : rollupSums(db, rollupScope, parts.wholeHours.from, parts.wholeHours.to),
    ...parts.edges.map((edge) => rawEvents(db, scope, edge.from, edge.to)),
  ]);
  const edgeEvents = edges.flat();
  switch (meter.aggregation) {
    case 'count':
      return normaliseQuantity(sumQuantities([whole?.count ?? '0', String(edgeEvents.length)]));
    case 'sum':
      return normaliseQuantity(sumQuantities([whole?.sum ?? '0', ...edgeEvents.map((e) => e.value ?? '0')]));
    case 'max':
      return normaliseQuantity(maxQuantity([...(whole === null || whole.max === null ? [] : [whole.max]), ...edgeEvents.map((e) => e.value ?? '0')]));
    case 'latest': {
      let best = whole === null || whole.latestAt === null ? null : { at: whole.latestAt.getTime(), id: whole.latestTransactionId ?? '', value: whole.latestValue ?? '0' };
      for (const event of edgeEvents) {
        const candidate = { at: event.timestamp, id: event.transactionId, value: event.value ?? '0' };
        if (best === null || later(candidate, best)) best = candidate;
      }
      return best === null ? '0' : normaliseQuantity(best.value);
    }
    case 'unique_count':
      return uniqueCount(db, rollupScope, parts.wholeHours, edgeEvents.map((e) => e.value ?? ''));
    case 'weighted_sum':
      return weightedQuantity(db, { scope, rollupScope }, { from, to, whole, edgeEvents });
  }
}

async function uniqueCount(db: Db, scope: { tenantId: string; customerId: string; meterId: string }, hours: { from: number; to: number } | null, edgeValues: string[]): Promise<string> {
  const [row] = await db.$queryRaw<Array<{ count: string }>>`
    SELECT count(DISTINCT v)::text AS count FROM (
      SELECT value AS v FROM usage_unique_values
      WHERE tenant_id = ${scope.tenantId} AND customer_id = ${scope.customerId} AND meter_id = ${scope.meterId}
        AND ${hours !== null} AND hour_start >= ${new Date(hours?.from ?? 0)} AND hour_start < ${new Date(hours?.to ?? 0)}
      UNION ALL SELECT unnest(${edgeValues}::text[])
    ) AS values_seen`;
  return row?.count ?? '0';
}

/** The level's time-weighted average over the window (see weightedAverage in the domain). */
async function weightedQuantity(
  db: Db,
  scopes: { scope: { tenantId: string; customerId: string; meter: QuantityMeter }; rollupScope: { tenantId: string; customerId: string; meterId: string } },
  window: { from: number; to: number; whole: HourSums | null; edgeEvents: RawEvent[] },
): Promise<string> {
  const { from, to, whole, edgeEvents } = window;
  // The level at `from`: every whole hour before it from the roll-ups, the part of its own hour raw.
  const [before, ownHour] = await Promise.all([rollupSums(db, scopes.rollupScope, 0, hourStart(from)), rawEvents(db, scopes.scope, hourStart(from), from)]);
  const levelBefore = sumQuantities([before.sum, ...ownHour.map((e) => e.value ?? '0')]);
  const deltaSum = sumQuantities([whole?.sum ?? '0', ...edgeEvents.map((e) => e.value ?? '0')]);
  const deltaTimeSum = sumQuantities([whole?.valueTimeSum ?? '0', ...edgeEvents.map((e) => valueTimesInstant(e.value ?? '0', e.timestamp))]);
  return weightedAverage({ levelBefore, deltaSum, deltaTimeSum, from, to });
}

