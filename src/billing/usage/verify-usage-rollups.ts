import type { PrismaClient } from '../../db/prisma-client.js';
import { eventMatchesMeter, hourStart, meterValue, normaliseQuantity, sameQuantity, sumQuantities } from '../../domain/index.js';
import { quantityMeterOf } from './meter-quantity.js';

/** One (customer, hour) whose roll-up disagrees with the raw events it was made from. */
export interface RollupDrift {
  tenantId: string;
  meterId: string;
  customerId: string;
  hourStart: string;
  events: { count: string; sum: string };
  rollup: { count: string; sum: string };
}

/** The meters whose roll-ups a close-out of `[from, to)` checks: those that existed before the window ended. */
export async function metersToCloseOut(prisma: PrismaClient, input: { to: number }): Promise<string[]> {
  const rows = await prisma.meter.findMany({ where: { createdAt: { lt: new Date(input.to) } }, select: { id: true }, orderBy: { id: 'asc' } });
  return rows.map((row) => row.id);
}

/**
 * Recomputes one meter's hourly roll-ups over the closed hours `[from, to)` from its raw events
 * (the same matching and values ingestion used, and only events received once the meter
 * existed) and reports every (customer, hour) where the event count or the value sum differs.
 */
export async function verifyUsageRollups(prisma: PrismaClient, input: { meterId: string; from: number; to: number }): Promise<{ hours: number; drift: RollupDrift[] }> {
  const row = await prisma.meter.findUniqueOrThrow({ where: { id: input.meterId } });
  const meter = quantityMeterOf(row);
  const [events, rollups] = await Promise.all([
    prisma.usageEvent.findMany({
      where: { tenantId: row.tenantId, eventName: meter.eventName, timestamp: { gte: new Date(input.from), lt: new Date(input.to) }, receivedAt: { gte: meter.createdAt } },
      select: { customerId: true, timestamp: true, properties: true },
    }),
    prisma.usageRollup.findMany({
      where: { tenantId: row.tenantId, meterId: row.id, hourStart: { gte: new Date(input.from), lt: new Date(input.to) } },
      select: { customerId: true, hourStart: true, eventCount: true, valueSum: true },
    }),
  ]);
  const expected = new Map<string, { customerId: string; hour: number; count: number; values: string[] }>();
  for (const event of events) {
    const properties = (event.properties ?? {}) as Record<string, unknown>;
    if (!eventMatchesMeter(meter, meter.eventName, properties)) continue;
    const hour = hourStart(event.timestamp.getTime());
    const key = `${event.customerId}\u0000${hour}`;
    const entry = expected.get(key) ?? { customerId: event.customerId, hour, count: 0, values: [] };
    entry.count += 1;
    const value = meter.aggregation === 'unique_count' ? null : meterValue(meter, properties);
    if (value !== null) entry.values.push(value);
    expected.set(key, entry);
  }
  const actual = new Map(rollups.map((r) => [`${r.customerId}\u0000${r.hourStart.getTime()}`, r]));
  const drift: RollupDrift[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key);
    const have = actual.get(key);
    const events = { count: String(want?.count ?? 0), sum: sumQuantities(want?.values ?? []) };
    const rollup = { count: String(have?.eventCount ?? 0n), sum: normaliseQuantity(have?.valueSum.toString() ?? '0') };
    if (events.count === rollup.count && sameQuantity(events.sum, rollup.sum)) continue;
    const [customerId, hour] = key.split('\u0000') as [string, string];
    drift.push({ tenantId: row.tenantId, meterId: row.id, customerId, hourStart: new Date(Number(hour)).toISOString(), events, rollup });
  }
  return { hours: new Set([...expected.keys(), ...actual.keys()]).size, drift };
}
