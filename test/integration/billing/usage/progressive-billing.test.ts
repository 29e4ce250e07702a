import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustCreditBalance } from '../../../../src/billing/credit/adjust-credit-balance.js';
import { createInvoiceItem } from '../../../../src/billing/invoice-items/create-invoice-item.js';
import { issueInvoice } from '../../../../src/billing/invoices/issue-invoice.js';
import { issueThresholdInvoice } from '../../../../src/billing/invoices/issue-threshold-invoice.js';
import { createMeter } from '../../../../src/billing/meters/create-meter.js';
import { recordUsageEvents } from '../../../../src/billing/usage/record-usage-events.js';
import type { PriceDefinition } from '../../../../src/domain/index.js';
import type { SubscriptionWorkflows } from '../../../../src/billing/subscriptions/subscription-workflows.js';
import { UsageFollowUp } from '../../../../src/billing/usage/usage-follow-up.js';
import { seedCustomer, seedPrice, seedSubscription, seedTenant } from '../../../support/billing-fixtures.js';
import { startSandbox, type SandboxHarness } from '../../../support/stripe-sandbox.js';
import { createTestDatabase, type TestDatabase } from '../../../support/test-database.js';

/**
 * Progressive billing never bills usage twice nor skips any: for random usage (events arriving
 * late included), random spend thresholds and random instants at which a threshold invoice is
 * attempted, the threshold invoices plus the period's own invoice bill exactly the price of the
 * period's whole usage — tiers included, where pricing parts separately would differ. The price
 * of the whole is computed by the test's own tier arithmetic below, not by the code.
 */
let db: TestDatabase;
let stripe: SandboxHarness;
let tenantId: string;
let meterId: string;
beforeAll(async () => {
  [db, stripe] = await Promise.all([createTestDatabase(), startSandbox({ seed: 14 })]);
  tenantId = (await seedTenant(db.prisma, 'Progressive')).tenantId;
  meterId = (await createMeter(db.prisma, { tenantId, key: 'calls', aggregation: 'count' })).id;
});
afterAll(async () => {
  await stripe.close();
  await db.drop();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Tier = { upTo: number | null; unitAmount: number };

/** Graduated: each unit at its tier's rate. Volume: every unit at the rate of the tier the total falls in. Integer cents. */
function priceOf(model: 'graduated' | 'volume', tiers: readonly Tier[], quantity: number): number {
  if (model === 'volume') {
    const tier = tiers.find((t) => t.upTo === null || quantity <= t.upTo)!;
    return quantity * tier.unitAmount;
  }
  let total = 0;
  let below = 0;
  for (const tier of tiers) {
    const top = tier.upTo ?? Infinity;
    const units = Math.max(0, Math.min(quantity, top) - below);
    total += units * tier.unitAmount;
    below = top;
    if (quantity <= top) break;
  }
  return total;
}


let run = 0;

describe('progressive billing (spend thresholds)', () => {
  it('threshold invoices and the period’s invoice together bill exactly the price of the period’s usage', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('graduated' as const, 'volume' as const),
        // Tiers: 0–10 at a, 10–40 at b, then c (rates in cents; volume rates may fall, so a part can be a credit).
        fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })),
        // Events: the hour (of a 30-day period) each happened in, and how many hours after that it arrives.
        fc.array(fc.record({ hour: fc.integer({ min: 0, max: 719 }), lateBy: fc.integer({ min: 0, max: 200 }) }), { maxLength: 60 }),
        // Threshold attempts: the hour of each, with the threshold then (cents).
        fc.array(fc.record({ hour: fc.integer({ min: 1, max: 719 }), threshold: fc.integer({ min: 1, max: 600 }) }), { minLength: 1, maxLength: 5 }),
        async (model, [a, b, c], events, attempts) => {
          run += 1;
          const tiers: Tier[] = [
            { upTo: 10, unitAmount: a },
            { upTo: 40, unitAmount: b },
            { upTo: null, unitAmount: c },
          ];
          const definition: PriceDefinition = { model, currency: 'USD', tiers };
          const { priceId } = await seedPrice(db.prisma, { tenantId, currency: 'USD', definition, interval: { unit: 'day', count: 30 }, usageType: 'metered', meterId });
          const customer = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
          const start = Date.UTC(2031, 0, 1) + run * 31 * DAY;
          const end = start + 30 * DAY;
          const { subscriptionId } = await seedSubscription(db.prisma, { tenantId, customerId: customer.customerId, items: [{ priceId, quantity: 1 }], startAt: start });
          const sorted = [...attempts].sort((x, y) => x.hour - y.hour);
          const arrivals = events.map((e, i) => ({ id: `p${run}-${i}`, at: start + e.hour * HOUR + 60_000, arrives: start + (e.hour + e.lateBy) * HOUR + 60_000 }));
          const sent = new Set<string>();
          const send = async (until: number) => {
            const due = arrivals.filter((e) => !sent.has(e.id) && e.arrives <= until);
            for (const e of due) sent.add(e.id);
            if (due.length === 0) return;
            // Each as it arrives: an event is accepted up to 35 days after it happened.
            for (const e of due) {
              const results = await recordUsageEvents(db.prisma, { tenantId, events: [{ transactionId: e.id, eventName: 'calls', customerId: customer.customerId, timestamp: e.at, properties: {} }], now: e.arrives });
              expect(results.filter((r) => r.status !== 'accepted')).toEqual([]);
            }
          };
          const ids = { tenantId, customerId: customer.customerId, subscriptionId, currency: 'USD' };
          let billedByThresholds = 0;
          let issued = 0;
          for (const attempt of sorted) {
            const at = start + attempt.hour * HOUR;
            await send(at);
            await db.prisma.subscription.update({ where: { id: subscriptionId }, data: { spendThreshold: BigInt(attempt.threshold) } });
            const result = await issueThresholdInvoice(
              db.prisma,
              {
                invoice: {
                  ...ids,
                  sourceKey: `${subscriptionId}:threshold:${issued + 1}`,
                  kind: 'threshold',
                  periodIndex: 0,
                  periodStart: start,
                  periodEnd: at,
                  lines: [],
                  usage: { windows: [{ priceId, meterId, from: start, to: at }], reconcileSince: null, closeUsage: false, progressive: true },
                },
              },
              new Date(at),
            );
            // What the window has accrued so far: its price now less what threshold invoices billed.
            const accrued = priceOf(model, tiers, arrivals.filter((e) => sent.has(e.id) && e.at < at).length) - billedByThresholds;
            if (accrued < attempt.threshold) {
              expect(result).toEqual({ status: 'below_threshold', accrued, threshold: attempt.threshold });
              continue;
            }
            expect(result.status).toBe('issued');
            issued += 1;
            const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { id: result.status === 'issued' ? result.invoice.invoiceId : '' }, include: { lines: true } });
            expect(invoice.kind).toBe('threshold');
            const lines = invoice.lines.filter((l) => l.kind === 'usage').map((l) => Number(l.amount));
            expect(lines.reduce((s, x) => s + x, 0)).toBe(accrued);
            billedByThresholds += accrued;
          }
          // The period's invoice, after every event has arrived (the late ones too).
          await send(end + 300 * HOUR);
          const final = await issueInvoice(
            db.prisma,
            {
              invoice: {
                ...ids,
                sourceKey: `${subscriptionId}:period:1`,
                kind: 'recurring',
                periodIndex: 1,
                periodStart: end,
                periodEnd: end + 30 * DAY,
                lines: [],
                usage: { windows: [{ priceId, meterId, from: start, to: end }], reconcileSince: null, closeUsage: false },
              },
            },
            new Date(end),
          );
          const finalLines = await db.prisma.invoiceLine.findMany({ where: { invoiceId: final.invoiceId, kind: 'usage' } });
          const finalUsage = finalLines.reduce((s, l) => s + Number(l.amount), 0);
          // Every event happened inside the period: the whole period's usage, priced as one.
          expect(billedByThresholds + finalUsage).toBe(priceOf(model, tiers, arrivals.length));
          if (finalLines.length > 0) expect(finalLines[0]!.usageQuantity?.toFixed()).toBe(String(arrivals.length));
        },
      ),
      { numRuns: 12 },
    );
  }, 180_000);

  it('without a threshold nothing is issued; a threshold invoice bills usage only, uses the credit balance, and once voided no longer counts', async () => {
    const definition: PriceDefinition = { model: 'per_unit', currency: 'USD', unitAmount: 5 };
    const { priceId } = await seedPrice(db.prisma, { tenantId, currency: 'USD', definition, interval: { unit: 'month', count: 1 }, usageType: 'metered', meterId });
    const customer = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    const start = Date.UTC(2040, 0, 1);
    const { subscriptionId } = await seedSubscription(db.prisma, { tenantId, customerId: customer.customerId, items: [{ priceId, quantity: 1 }], startAt: start });
    await recordUsageEvents(db.prisma, { tenantId, events: Array.from({ length: 30 }, (_, i) => ({ transactionId: `v-${i}`, eventName: 'calls', customerId: customer.customerId, timestamp: start + HOUR + i, properties: {} })), now: start + 2 * HOUR });
    const draft = (key: string, at: number) => ({
      invoice: {
        tenantId,
        customerId: customer.customerId,
        subscriptionId,
        currency: 'USD',
        sourceKey: key,
        kind: 'threshold' as const,
        periodIndex: 0,
        periodStart: start,
        periodEnd: at,
        lines: [],
        usage: { windows: [{ priceId, meterId, from: start, to: at }], reconcileSince: null, closeUsage: false, progressive: true },
      },
    });
    expect(await issueThresholdInvoice(db.prisma, draft('v:1', start + 3 * HOUR), new Date(start + 3 * HOUR))).toEqual({ status: 'no_threshold' });
    await db.prisma.subscription.update({ where: { id: subscriptionId }, data: { spendThreshold: 100n } });
    // 30 calls × 5¢ = 150 ≥ 100.
    const first = await issueThresholdInvoice(db.prisma, draft('v:1', start + 3 * HOUR), new Date(start + 3 * HOUR));
    expect(first.status === 'issued' && first.invoice.total.amount).toBe(150);
    // The same source key again (a retried activity) is the same invoice, even below the threshold now.
    const again = await issueThresholdInvoice(db.prisma, draft('v:1', start + 3 * HOUR), new Date(start + 3 * HOUR));
    expect(again.status === 'issued' && again.invoice.invoiceId).toBe(first.status === 'issued' ? first.invoice.invoiceId : null);
    await db.prisma.invoice.update({ where: { id: first.status === 'issued' ? first.invoice.invoiceId : '' }, data: { status: 'void' } });
    // A threshold invoice bills usage only and uses the credit balance: a pending one-off item waits.
    await createInvoiceItem(db.prisma, { tenantId, customerId: customer.customerId, item: { description: 'Workshop', unitAmount: 900 } });
    await adjustCreditBalance(db.prisma, { tenantId, customerId: customer.customerId, amount: { amount: 50, currency: 'USD' }, reason: 'goodwill', sourceKey: 'progressive:credit' });
    await recordUsageEvents(db.prisma, { tenantId, events: Array.from({ length: 20 }, (_, i) => ({ transactionId: `w-${i}`, eventName: 'calls', customerId: customer.customerId, timestamp: start + 4 * HOUR + i, properties: {} })), now: start + 5 * HOUR });
    // 50 calls × 5¢ = 250, the voided first no longer counts: 250 ≥ 100; less 50 of credit, 200 due.
    const second = await issueThresholdInvoice(db.prisma, draft('v:2', start + 6 * HOUR), new Date(start + 6 * HOUR));
    expect(second.status === 'issued' && [second.invoice.total.amount, second.invoice.amountDue.amount]).toEqual([250, 200]);
    const secondLines = await db.prisma.invoiceLine.findMany({ where: { invoiceId: second.status === 'issued' ? second.invoice.invoiceId : '' } });
    expect(secondLines.map((l) => l.kind)).toEqual(['usage']);
    expect(await db.prisma.invoiceItem.count({ where: { tenantId, customerId: customer.customerId, status: 'pending' } })).toBe(1);
    await db.prisma.invoice.update({ where: { id: second.status === 'issued' ? second.invoice.invoiceId : '' }, data: { status: 'void' } });
    const period = await issueInvoice(
      db.prisma,
      {
        invoice: {
          tenantId,
          customerId: customer.customerId,
          subscriptionId,
          currency: 'USD',
          sourceKey: 'v:period',
          kind: 'recurring',
          periodIndex: 1,
          periodStart: start + 31 * DAY,
          periodEnd: start + 59 * DAY,
          lines: [],
          usage: { windows: [{ priceId, meterId, from: start, to: start + 31 * DAY }], reconcileSince: null, closeUsage: false },
        },
      },
      new Date(start + 31 * DAY),
    );
    // Both threshold invoices voided: the period's invoice bills all 50 calls × 5¢ = 250, and the workshop's 900 → 1,150.
    expect(period.total.amount).toBe(1150);
  });
});

describe('the follow-up of stored usage', () => {
  it('tells the workflow of a subscription with a spend threshold at once, then at most once per interval with one trailing signal; a tenant without thresholds or alerts is not told', async () => {
    const signals: Array<{ at: number; ids: readonly string[] }> = [];
    const workflows = { usageAccrued: (ids: readonly string[]) => Promise.resolve(void signals.push({ at: Date.now(), ids })) } as unknown as SubscriptionWorkflows;
    const errors: unknown[] = [];
    const followUp = new UsageFollowUp(db.prisma, workflows, { signalIntervalMs: 300, tenantCacheMs: 0, onError: (e) => errors.push(e) });
    const quiet = (await seedTenant(db.prisma, 'Quiet')).tenantId;
    const quietCustomer = await seedCustomer(db.prisma, stripe.gateway, { tenantId: quiet, currency: 'USD', testPaymentMethod: null });
    await followUp.afterIngest(quiet, [quietCustomer.customerId], Date.now());
    expect(signals).toEqual([]);
    const { priceId } = await seedPrice(db.prisma, { tenantId, currency: 'USD', definition: { model: 'per_unit', currency: 'USD', unitAmount: 1 }, interval: { unit: 'month', count: 1 }, usageType: 'metered', meterId });
    const customer = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    const { subscriptionId } = await seedSubscription(db.prisma, { tenantId, customerId: customer.customerId, items: [{ priceId, quantity: 1 }], startAt: Date.now() });
    await db.prisma.subscription.update({ where: { id: subscriptionId }, data: { status: 'active', spendThreshold: 100n } });
    const first = Date.now();
    for (let i = 0; i < 3; i++) await followUp.afterIngest(tenantId, [customer.customerId], Date.now());
    expect(signals.map((s) => s.ids)).toEqual([[subscriptionId]]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The two within the interval became one trailing signal, about an interval after the first.
    expect(signals.map((s) => s.ids)).toEqual([[subscriptionId], [subscriptionId]]);
    expect(signals[1]!.at - first).toBeGreaterThanOrEqual(290);
    expect(errors).toEqual([]);
    followUp.close();
  });
});
