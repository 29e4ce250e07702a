import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeter } from '../../../../src/billing/meters/create-meter.js';
import { meterQuantity, type QuantityMeter } from '../../../../src/billing/usage/meter-quantity.js';
import { recordUsageEvents, type UsageEventInput } from '../../../../src/billing/usage/record-usage-events.js';
import { seedCustomer, seedTenant } from '../../../support/billing-fixtures.js';
import { startSandbox, type SandboxHarness } from '../../../support/stripe-sandbox.js';
import { createTestDatabase, type TestDatabase } from '../../../support/test-database.js';

/**
 * Roll-ups are exact: for random events — duplicates, out-of-order timestamps, values with up to
 * 12 decimals, several meters on one event name with filters — the quantity read from roll-ups
 * plus raw edges equals a brute-force aggregation of the accepted events, for any window.
 * The brute force below is the test's own arithmetic (BigInt, scaled by 10^12), not the code's.
 */
let db: TestDatabase;
let stripe: SandboxHarness;
beforeAll(async () => {
  [db, stripe] = await Promise.all([createTestDatabase(), startSandbox({ seed: 3 })]);
});
afterAll(async () => {
  await stripe.close();
  await db.drop();
});

const SCALE = 10n ** 12n;
const HOUR = 3_600_000;

/** A decimal string as an integer of 10^-12 units. */
function scaled(value: string): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const units = BigInt(whole) * SCALE + BigInt(fraction.padEnd(12, '0'));
  return negative ? -units : units;
}

/** Integer 10^-12 units back to the normalised decimal string the code returns. */
function decimal(units: bigint): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(12, '0').replace(/0+$/, '');
  const text = fraction === '' ? whole.toString() : `${whole}.${fraction}`;
  return negative && magnitude !== 0n ? `-${text}` : text;
}

/** numerator / denominator rounded half up (away from zero at the half). */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

interface Accepted {
  transactionId: string;
  eventName: string;
  timestamp: number;
  properties: Record<string, unknown>;
}

type MeterSpec = { key: string; aggregation: QuantityMeter['aggregation']; valueProperty?: string; uniqueProperty?: string; filters?: Array<{ property: string; in: string[] }> };

const SPECS: MeterSpec[] = [
  { key: 'calls', aggregation: 'count' },
  { key: 'calls_eu', aggregation: 'count', filters: [{ property: 'region', in: ['eu'] }] },
  { key: 'tokens', aggregation: 'sum', valueProperty: 'n' },
  { key: 'tokens_us', aggregation: 'sum', valueProperty: 'n', filters: [{ property: 'region', in: ['us', 'ca'] }] },
  { key: 'peak', aggregation: 'max', valueProperty: 'n' },
  { key: 'last', aggregation: 'latest', valueProperty: 'n' },
  { key: 'users', aggregation: 'unique_count', uniqueProperty: 'user' },
];

function bruteForce(spec: MeterSpec, events: readonly Accepted[], from: number, to: number): string {
  const matches = (e: Accepted) => e.eventName === 'req' && (spec.filters ?? []).every((f) => f.in.includes(String(e.properties[f.property])));
  const inWindow = events.filter((e) => matches(e) && e.timestamp >= from && e.timestamp < to);
  const value = (e: Accepted) => scaled(String(e.properties.n));
  switch (spec.aggregation) {
    case 'count':
      return String(inWindow.length);
    case 'sum':
      return decimal(inWindow.reduce((total, e) => total + value(e), 0n));
    case 'max':
      return inWindow.length === 0 ? '0' : decimal(inWindow.reduce((best, e) => (value(e) > best ? value(e) : best), value(inWindow[0]!)));
    case 'latest': {
      const last = [...inWindow].sort((a, b) => a.timestamp - b.timestamp || (a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0)).at(-1);
      return last === undefined ? '0' : decimal(value(last));
    }
    case 'unique_count':
      return String(new Set(inWindow.map((e) => String(e.properties.user))).size);
    case 'weighted_sum': {
      // Area under the level: a delta before the window counts for the whole window, one inside from its instant.
      const area = events.filter((e) => e.eventName === 'seats' && e.timestamp < to).reduce((total, e) => total + scaled(String(e.properties.delta)) * BigInt(to - Math.max(e.timestamp, from)), 0n);
      return decimal(divideHalfUp(area, BigInt(to - from)));
    }
  }
}

describe('usage roll-ups', () => {
  it('equal a brute-force aggregation of the accepted events, for every aggregation and any window (property)', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const meters = new Map<string, QuantityMeter>();
    for (const spec of [...SPECS, { key: 'seats', aggregation: 'weighted_sum' as const, valueProperty: 'delta' }]) {
      const meter = await createMeter(db.prisma, { tenantId, ...spec, eventName: spec.key === 'seats' ? 'seats' : 'req' });
      const row = await db.prisma.meter.findUniqueOrThrow({ where: { id: meter.id } });
      meters.set(spec.key, { id: row.id, eventName: row.eventName, aggregation: row.aggregation, valueProperty: row.valueProperty, uniqueProperty: row.uniqueProperty, filters: spec.filters ?? [], createdAt: row.createdAt });
    }
    const now = Date.now();
    const base = Math.floor((now - 3 * 86_400_000) / HOUR) * HOUR; // three days ago, on the hour
    const span = 2 * 86_400_000;
    const value = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }).map(String), fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 999_999_999_999 })).map(([w, f]) => `${w}.${String(f).padStart(12, '0')}`));
    const delta = fc.tuple(fc.boolean(), value).map(([negative, v]) => (negative && v !== '0' ? `-${v}` : v));
    const event = fc.oneof(
      fc.record({ kind: fc.constant('req' as const), offset: fc.integer({ min: 0, max: span }), n: value, region: fc.constantFrom('eu', 'us', 'ca', 'ap'), user: fc.constantFrom('ada', 'bob', 'cy', 'dee', '42') }),
      fc.record({ kind: fc.constant('seats' as const), offset: fc.integer({ min: 0, max: span }), delta }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: span }), fc.integer({ min: 1, max: span })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 7 }),
        async (generated, windows, batchSize) => {
          run += 1;
          const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
          const events: UsageEventInput[] = generated.map((g, index) => ({
            transactionId: `run${run}-ev${index}`,
            eventName: g.kind,
            customerId,
            timestamp: base + g.offset,
            properties: g.kind === 'req' ? { n: g.n, region: g.region, user: g.user } : { delta: g.delta },
          }));
          // Every third event is sent again (a retry), and the order is shuffled by sending batches in reverse.
          const sent = [...events, ...events.filter((_, index) => index % 3 === 0)];
          const batches: UsageEventInput[][] = [];
          for (let i = 0; i < sent.length; i += batchSize) batches.push(sent.slice(i, i + batchSize));
          let duplicates = 0;
          for (const batch of batches.reverse()) {
            const results = await recordUsageEvents(db.prisma, { tenantId, events: batch, now });
            duplicates += results.filter((r) => r.status === 'duplicate').length;
            expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
          }
          expect(duplicates).toBe(sent.length - events.length);
          for (const [offset, length] of windows) {
            const from = base + offset;
            const to = Math.min(from + length, base + span + 1);
            for (const [key, meter] of meters) {
              const spec = key === 'seats' ? { key, aggregation: 'weighted_sum' as const } : (SPECS.find((s) => s.key === key) as MeterSpec);
              const got = await meterQuantity(db.prisma, { tenantId, customerId, meter, from, to });
              expect(got, `${key} over [${from - base}, ${to - base})`).toBe(bruteForce(spec, events, from, to));
            }
          }
        },
      ),
      { numRuns: 15, seed: 11 },
    );
  }, 240_000);

  it('latest, max and the level keep every arrival order of events in one hour, one batch each (property)', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const specs: MeterSpec[] = [
      { key: 'last', aggregation: 'latest', valueProperty: 'n' },
      { key: 'peak', aggregation: 'max', valueProperty: 'n' },
      { key: 'tokens', aggregation: 'sum', valueProperty: 'n' },
    ];
    const meters = new Map<string, QuantityMeter>();
    for (const spec of specs) {
      const meter = await createMeter(db.prisma, { tenantId, ...spec, eventName: 'req' });
      const row = await db.prisma.meter.findUniqueOrThrow({ where: { id: meter.id } });
      meters.set(spec.key, { ...spec, id: row.id, eventName: 'req', createdAt: row.createdAt });
    }
    const now = Date.now();
    const hour = Math.floor((now - 86_400_000) / HOUR) * HOUR;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: HOUR - 1 }), fc.integer({ min: 0, max: 1000 })), { minLength: 2, maxLength: 8 }), async (points) => {
        run += 1;
        const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
        const events: Accepted[] = points.map(([offset, n], index) => ({ transactionId: `order${run}-${index}`, eventName: 'req', timestamp: hour + offset, properties: { n } }));
        for (const e of events) await recordUsageEvents(db.prisma, { tenantId, events: [{ ...e, customerId }], now });
        for (const spec of specs) {
          // The whole hour is read from its roll-up alone.
          expect(await meterQuantity(db.prisma, { tenantId, customerId, meter: meters.get(spec.key)!, from: hour, to: hour + HOUR })).toBe(bruteForce(spec, events, hour, hour + HOUR));
        }
      }),
      { numRuns: 25, seed: 5 },
    );
  }, 120_000);
});
