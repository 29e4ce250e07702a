import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeter } from '../../../../src/billing/meters/create-meter.js';
import { recordUsageEvents } from '../../../../src/billing/usage/record-usage-events.js';
import { UsageEventBatcher } from '../../../../src/billing/usage/usage-event-batcher.js';
import { createPrismaClient, sqlPool } from '../../../../src/db/prisma-client.js';
import { seedCustomer, seedTenant } from '../../../support/billing-fixtures.js';
import { startSandbox, type SandboxHarness } from '../../../support/stripe-sandbox.js';
import { createTestDatabase, type TestDatabase } from '../../../support/test-database.js';

/** Group commit of single usage events, on a real PostgreSQL. */
let db: TestDatabase;
let stripe: SandboxHarness;
beforeAll(async () => {
  [db, stripe] = await Promise.all([createTestDatabase(), startSandbox({ seed: 11 })]);
});
afterAll(async () => {
  await stripe.close();
  await db.drop();
});

async function meteredCustomer() {
  const { tenantId } = await seedTenant(db.prisma);
  const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
  await createMeter(db.prisma, { tenantId, key: 'api_calls', aggregation: 'count' });
  return { tenantId, customerId };
}

const event = (customerId: string, transactionId: string, timestamp: number) => ({ transactionId, eventName: 'api_calls', customerId, timestamp, properties: {} });

describe('UsageEventBatcher', () => {
  it('answers 300 concurrent events one by one, stores each once, and shares transactions between them', async () => {
    const { tenantId, customerId } = await meteredCustomer();
    const batcher = new UsageEventBatcher(db.prisma);
    const now = Date.now();
    // 290 distinct ids, and 10 sent twice at the same moment: 300 calls.
    const ids = Array.from({ length: 290 }, (_, i) => `call-${i}`);
    const sent = [...ids, ...ids.slice(0, 10)];
    const results = await Promise.all(sent.map((id) => batcher.record(tenantId, event(customerId, id, now - 1000), now)));
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(290);
    expect(results.filter((r) => r.status === 'duplicate').map((r) => r.transactionId).sort()).toEqual(ids.slice(0, 10).sort());
    expect(await db.prisma.usageEvent.count({ where: { tenantId } })).toBe(290);
    const [rollup] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT sum(event_count) AS n FROM usage_rollups WHERE tenant_id = ${tenantId}`;
    expect(Number(rollup?.n)).toBe(290);
    // 300 events, far fewer commits: the ones that arrived while a transaction ran went into the next.
    expect(batcher.stats.events).toBe(300);
    expect(batcher.stats.transactions).toBeLessThan(30);
  });

  it('answers each event with its own refusal, without failing the others in its transaction', async () => {
    const { tenantId, customerId } = await meteredCustomer();
    const batcher = new UsageEventBatcher(db.prisma);
    const now = Date.now();
    const [ok, tooOld, unknown] = await Promise.all([
      batcher.record(tenantId, event(customerId, 'fine', now), now),
      batcher.record(tenantId, event(customerId, 'old', now - 40 * 86_400_000), now),
      batcher.record(tenantId, event('cus_nobody', 'nobody', now), now),
    ]);
    expect([ok?.status, tooOld?.status, unknown?.status]).toEqual(['accepted', 'rejected', 'rejected']);
    expect([tooOld, unknown].map((r) => (r?.status === 'rejected' ? r.code : null))).toEqual(['usage_timestamp_out_of_range', 'customer_not_found']);
  });

  it('fails every event of a transaction that cannot commit, stores none of them, and takes the retry', async () => {
    const { tenantId, customerId } = await meteredCustomer();
    const broken = createPrismaClient(db.url);
    await sqlPool(broken).end(); // its pool is closed: every transaction fails
    const failing = new UsageEventBatcher(broken);
    const now = Date.now();
    const outcomes = await Promise.allSettled(['r-1', 'r-2', 'r-3'].map((id) => failing.record(tenantId, event(customerId, id, now), now)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await db.prisma.usageEvent.count({ where: { tenantId } })).toBe(0);
    // The client retries with the same ids: stored once.
    const batcher = new UsageEventBatcher(db.prisma);
    const retried = await Promise.all(['r-1', 'r-2', 'r-3'].map((id) => batcher.record(tenantId, event(customerId, id, now), now)));
    expect(retried.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('answers the same ids stored by concurrent batches once as accepted and otherwise as duplicates, whichever commits first', async () => {
    const { tenantId, customerId } = await meteredCustomer();
    const now = Date.now();
    // Eight batches of the same 1,000 ids at once: each id is inserted by one statement, and the
    // others see it stored either in their snapshot or only after it committed (read again).
    const ids = Array.from({ length: 1000 }, (_, i) => `race-${i}`);
    const batches = await Promise.all(Array.from({ length: 8 }, () => recordUsageEvents(db.prisma, { tenantId, events: ids.map((id) => event(customerId, id, now - 1000)), now })));
    for (const [index, id] of ids.entries()) {
      const answers = batches.map((results) => results[index]);
      expect(answers.every((a) => a?.transactionId === id)).toBe(true);
      expect(answers.filter((a) => a?.status === 'accepted')).toHaveLength(1);
      expect(answers.filter((a) => a?.status === 'duplicate')).toHaveLength(7);
    }
    expect(await db.prisma.usageEvent.count({ where: { tenantId } })).toBe(1000);
    const [rollup] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT sum(event_count) AS n FROM usage_rollups WHERE tenant_id = ${tenantId}`;
    expect(Number(rollup?.n)).toBe(1000);
  });

  it('stores text with the characters an array literal escapes or splits on exactly as sent', async () => {
    const { tenantId, customerId } = await meteredCustomer();
    const now = Date.now();
    const awkward = 'q"uote \\back\\slash {brace} ,comma, NULL \u00e9 \ud83d\ude00 \n';
    const id = `tx-"{,}\\-${now}`;
    const [result] = await recordUsageEvents(db.prisma, { tenantId, events: [{ transactionId: id, eventName: 'api_calls', customerId, timestamp: now - 1000, properties: { note: awkward, empty: '', none: null, n: 1.5, yes: true } }], now });
    expect(result?.status).toBe('accepted');
    const stored = await db.prisma.usageEvent.findUniqueOrThrow({ where: { tenantId_transactionId: { tenantId, transactionId: id } } });
    expect(stored.properties).toEqual({ note: awkward, empty: '', none: null, n: 1.5, yes: true });
    // The same again is a duplicate, not a conflict: the stored content hashes the same.
    const [again] = await recordUsageEvents(db.prisma, { tenantId, events: [{ transactionId: id, eventName: 'api_calls', customerId, timestamp: now - 1000, properties: { yes: true, n: 1.5, none: null, empty: '', note: awkward } }], now });
    expect(again?.status).toBe('duplicate');
  });
});
