import { describe, expect, it } from 'vitest';
import { createMeter } from '../../../src/billing/meters/create-meter.js';
import { saveBillingSettings } from '../../../src/billing/settings/save-billing-settings.js';
import type { SubscriptionCommandDependencies } from '../../../src/billing/subscriptions/command-dependencies.js';
import { cancelSubscription } from '../../../src/billing/subscriptions/cancel-subscription.js';
import { changeSubscription } from '../../../src/billing/subscriptions/change-subscription.js';
import { getUpcomingInvoice } from '../../../src/billing/subscriptions/get-upcoming-invoice.js';
import { recordUsageEvents, type UsageEventResult } from '../../../src/billing/usage/record-usage-events.js';
import { TemporalSubscriptionWorkflows } from '../../../src/temporal/temporal-subscription-workflows.js';
import { eventually, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

// Usage billed in arrears on the time-skipping server, every amount worked out by hand below.
let h: SubscriptionHarness;
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const monthly = { unit: 'month', count: 1 } as const;

function commands(): SubscriptionCommandDependencies {
  return { prisma: h.db.prisma, workflows: new TemporalSubscriptionWorkflows(h.env.client, h.taskQueue), now: () => h.env.currentTimeMs() };
}

/** A $20.00 base fee plus API calls at 2¢ each, on a customer with a card, anchored at `anchor`. */
async function meteredSubscription(anchor: number, callPrice = '2') {
  const tenantId = await h.seedTenant();
  const customerId = await h.seedCustomer(tenantId);
  const meter = await createMeter(h.db.prisma, { tenantId, key: 'api_calls', displayName: 'API calls', aggregation: 'count' });
  const base = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 2000 }, monthly, 'Base');
  const calls = await h.seedPrice(tenantId, { model: 'per_unit', currency: 'USD', unitAmount: callPrice }, monthly, 'API calls', meter.id);
  await h.skipTo(anchor - HOUR);
  const sub = await h.startSubscription({ tenantId, customerId, items: [{ priceId: base, quantity: 1 }, { priceId: calls, quantity: 1 }], startAt: anchor });
  return { tenantId, customerId, meterId: meter.id, base, calls, ...sub };
}

/**
 * Ends a test's subscription while it is idle. Left running, it would renew when a later test
 * skips months ahead, and its renewals would slow that test's skip.
 */
async function retire(sub: { handle: { terminate(reason?: string): Promise<unknown> } }): Promise<void> {
  await sub.handle.terminate('test done');
}

let sequence = 0;
/** `count` API calls of `customerId` at `timestamp`, sent at the server's current time. */
async function calls(tenantId: string, customerId: string, count: number, timestamp: number): Promise<UsageEventResult[]> {
  const events = Array.from({ length: count }, () => ({ transactionId: `call-${++sequence}`, eventName: 'api_calls', customerId, timestamp, properties: {} }));
  return recordUsageEvents(h.db.prisma, { tenantId, events, now: await h.env.currentTimeMs() });
}

const lines = (invoice: { lines: Array<{ kind: string; amount: bigint; usageQuantity: { toFixed(): string } | null; periodStart: Date | null; periodEnd: Date | null }> } | undefined) =>
  (invoice?.lines ?? []).map((l) => [l.kind, Number(l.amount), l.usageQuantity?.toFixed() ?? null, l.periodStart?.toISOString() ?? null, l.periodEnd?.toISOString() ?? null]);

describe('usage in arrears', () => {
  it('bills a period usage on the next invoice, takes events during the grace period, and bills later ones as an adjustment', async () => {
    const march = utc(Y, 3, 1);
    const april = utc(Y, 4, 1);
    const may = utc(Y, 5, 1);
    const sub = await meteredSubscription(march);
    await h.skipTo(march + HOUR);
    // March 1: the base fee in advance, no usage yet: 2000.
    await eventually(() => h.invoices(sub.subscriptionId), (list) => list[0]?.status === 'paid');
    expect(lines((await h.invoices(sub.subscriptionId))[0])).toEqual([['recurring', 2000, null, `${Y}-03-01T00:00:00.000Z`, `${Y}-04-01T00:00:00.000Z`]]);

    await h.skipTo(utc(Y, 3, 10));
    const accepted = await calls(sub.tenantId, sub.customerId, 100, utc(Y, 3, 10));
    expect(accepted.every((r) => r.status === 'accepted' && r.billable)).toBe(true);
    await h.skipTo(april - 20 * MINUTE);
    await calls(sub.tenantId, sub.customerId, 50, april - 30 * MINUTE);

    // April 1 00:00: the invoice is drafted and held for the 1-hour grace period.
    await h.skipTo(april + 30 * MINUTE);
    const drafted = await eventually(() => h.invoices(sub.subscriptionId), (list) => list.length === 2);
    expect(drafted[1]?.status).toBe('draft');
    // Late but within grace: 10 calls timestamped March 31 23:50 land on it.
    await calls(sub.tenantId, sub.customerId, 10, april - 10 * MINUTE);
    await h.skipTo(april + 2 * HOUR);
    const [, aprilInvoice] = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[1]?.status === 'paid', 30_000);
    // 2000 base for April + (100 + 50 + 10) calls × 2¢ = 320 → 2320
    expect(lines(aprilInvoice)).toEqual([
      ['recurring', 2000, null, `${Y}-04-01T00:00:00.000Z`, `${Y}-05-01T00:00:00.000Z`],
      ['usage', 320, '160', `${Y}-03-01T00:00:00.000Z`, `${Y}-04-01T00:00:00.000Z`],
    ]);
    expect(aprilInvoice?.total).toBe(2320n);
    expect(aprilInvoice?.lines[1]?.meterId).toBe(sub.meterId);
    expect(aprilInvoice?.lines[1]?.unitAmountDecimal?.toFixed()).toBe('2');

    // After finalization: 5 more March calls (April 1 02:00, within 35 days) and 30 April calls.
    await calls(sub.tenantId, sub.customerId, 5, utc(Y, 3, 31, 12));
    await h.skipTo(utc(Y, 4, 15));
    await calls(sub.tenantId, sub.customerId, 30, utc(Y, 4, 15));

    // Just before May 1, the upcoming invoice is the one that will be issued.
    await h.skipTo(may - MINUTE);
    const upcoming = await getUpcomingInvoice(commands(), { tenantId: sub.tenantId, subscriptionId: sub.subscriptionId });
    await h.skipTo(may + 2 * HOUR);
    const [, , mayInvoice] = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[2]?.status === 'paid', 30_000);
    // 2000 base for May + 30 April calls × 2¢ = 60 + the 5 late March calls × 2¢ = 10 → 2070
    expect(lines(mayInvoice)).toEqual([
      ['recurring', 2000, null, `${Y}-05-01T00:00:00.000Z`, `${Y}-06-01T00:00:00.000Z`],
      ['usage', 60, '30', `${Y}-04-01T00:00:00.000Z`, `${Y}-05-01T00:00:00.000Z`],
      ['usage', 10, '5', `${Y}-03-01T00:00:00.000Z`, `${Y}-04-01T00:00:00.000Z`],
    ]);
    expect(mayInvoice?.lines[2]?.description).toMatch(/^Late usage: API calls/);
    expect(upcoming.total).toBe(2070);
    expect(upcoming.lines.map((l) => [l.kind, l.description, l.amount, l.usageQuantity, l.periodStart, l.periodEnd])).toEqual(
      (mayInvoice?.lines ?? []).map((l) => [l.kind, l.description, Number(l.amount), l.usageQuantity?.toFixed() ?? null, l.periodStart?.toISOString() ?? null, l.periodEnd?.toISOString() ?? null]),
    );

    // Reconciliation: every accepted call is billed exactly once (100 + 50 + 10 + 5 + 30 = 195 calls = 390¢).
    const billed = await h.db.prisma.usageCharge.aggregate({ where: { subscriptionId: sub.subscriptionId }, _sum: { amount: true } });
    expect(billed._sum.amount).toBe(390n);
    await retire(sub);
  });

  it('a change of metered price mid-period splits the usage at the change instant', async () => {
    const anchor = utc(Y, 6, 1);
    const sub = await meteredSubscription(anchor);
    const cheaper = await h.seedPrice(sub.tenantId, { model: 'per_unit', currency: 'USD', unitAmount: '1' }, monthly, 'API calls (volume)', sub.meterId);
    await h.skipTo(utc(Y, 6, 10));
    await calls(sub.tenantId, sub.customerId, 40, utc(Y, 6, 10));
    await h.skipTo(utc(Y, 6, 16));
    const result = await changeSubscription(commands(), { tenantId: sub.tenantId, subscriptionId: sub.subscriptionId, changeId: 'cheaper-calls', items: [{ priceId: sub.base, quantity: 1 }, { priceId: cheaper, quantity: 1 }], prorationBehavior: 'none' });
    expect(result.status).toBe('applied');
    const changedAt = Date.parse(result.preview.effectiveAt);
    await h.skipTo(utc(Y, 6, 20));
    await calls(sub.tenantId, sub.customerId, 70, utc(Y, 6, 20));
    await h.skipTo(utc(Y, 7, 1) + 2 * HOUR);
    const invoices = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[1]?.status === 'paid', 30_000);
    // 40 calls before the change × 2¢ = 80; 70 after × 1¢ = 70; base 2000 → 2150
    expect(lines(invoices[1])).toEqual([
      ['recurring', 2000, null, `${Y}-07-01T00:00:00.000Z`, `${Y}-08-01T00:00:00.000Z`],
      ['usage', 80, '40', `${Y}-06-01T00:00:00.000Z`, new Date(changedAt).toISOString()],
      ['usage', 70, '70', new Date(changedAt).toISOString(), `${Y}-07-01T00:00:00.000Z`],
    ]);
    await retire(sub);
  });

  it('cancel now bills usage to the end instant on a final invoice; events after it are kept, not billed', async () => {
    const anchor = utc(Y, 9, 1);
    const sub = await meteredSubscription(anchor);
    await saveBillingSettings(h.db.prisma, { tenantId: sub.tenantId, usageGracePeriodHours: 2 });
    await h.skipTo(utc(Y, 9, 5));
    await calls(sub.tenantId, sub.customerId, 25, utc(Y, 9, 5));
    await h.skipTo(utc(Y, 9, 10));
    await cancelSubscription(commands(), { tenantId: sub.tenantId, subscriptionId: sub.subscriptionId, mode: 'now' });
    const canceledAt = (await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: sub.subscriptionId } })).canceledAt?.getTime() ?? 0;
    // During the 2-hour grace: an event from before the cancel is billed; one after it is not the subscription's.
    await h.skipTo(canceledAt + HOUR);
    expect((await calls(sub.tenantId, sub.customerId, 3, canceledAt - HOUR))[0]).toMatchObject({ status: 'accepted', billable: true, subscriptionId: sub.subscriptionId });
    expect((await calls(sub.tenantId, sub.customerId, 1, canceledAt + 30 * MINUTE))[0]).toMatchObject({ status: 'accepted', billable: false, reason: 'no_subscription' });
    await h.skipTo(canceledAt + 3 * HOUR);
    const invoices = await eventually(() => h.invoices(sub.subscriptionId), (list) => list.some((i) => i.kind === 'final' && i.status === 'paid'), 30_000);
    const final = invoices.find((i) => i.kind === 'final');
    // (25 + 3) calls × 2¢ = 56, from Sept 1 to the cancel instant
    expect(lines(final)).toEqual([['usage', 56, '28', `${Y}-09-01T00:00:00.000Z`, new Date(canceledAt).toISOString()]]);
    await eventually(() => sub.handle.describe(), (d) => d.status.name === 'COMPLETED', 30_000);
    // Usage is closed: a late event for the ended subscription is kept and reported.
    expect((await calls(sub.tenantId, sub.customerId, 1, canceledAt - 2 * HOUR))[0]).toMatchObject({ status: 'accepted', billable: false, reason: 'usage_closed' });
  });

  it('cancel at period end bills the last period usage on a final invoice at the end, with no fee for a next period', async () => {
    const anchor = utc(Y, 11, 1);
    const december = utc(Y, 12, 1);
    const sub = await meteredSubscription(anchor);
    await saveBillingSettings(h.db.prisma, { tenantId: sub.tenantId, usageGracePeriodHours: 0 });
    await h.skipTo(utc(Y, 11, 3));
    await calls(sub.tenantId, sub.customerId, 40, utc(Y, 11, 3));
    await cancelSubscription(commands(), { tenantId: sub.tenantId, subscriptionId: sub.subscriptionId, mode: 'period_end' });
    await calls(sub.tenantId, sub.customerId, 10, utc(Y, 11, 3) - HOUR);
    // The upcoming invoice is that final one: November's 50 calls × 2¢ = 100, no December base fee.
    const upcoming = await getUpcomingInvoice(commands(), { tenantId: sub.tenantId, subscriptionId: sub.subscriptionId });
    expect([upcoming.kind, upcoming.total, upcoming.createdAt]).toEqual(['final', 100, `${Y}-12-01T00:00:00.000Z`]);
    await h.skipTo(december + HOUR);
    const invoices = await eventually(() => h.invoices(sub.subscriptionId), (list) => list.some((i) => i.kind === 'final' && i.status === 'paid'), 30_000);
    // November 1: the $20.00 base fee in advance; December 1: only November's usage.
    expect(invoices.map((i) => [i.kind, Number(i.total)])).toEqual([
      ['recurring', 2000],
      ['final', 100],
    ]);
    expect(lines(invoices.find((i) => i.kind === 'final'))).toEqual([['usage', 100, '50', `${Y}-11-01T00:00:00.000Z`, `${Y}-12-01T00:00:00.000Z`]]);
    expect((await eventually(() => sub.handle.describe(), (d) => d.status.name === 'COMPLETED', 30_000)).status.name).toBe('COMPLETED');
  });
});
