import { describe, expect, it } from 'vitest';
import { setDefaultPaymentMethod } from '../../../src/billing/customers/set-default-payment-method.js';
import { cancelUpdate, changeItemsUpdate, getStateQuery, pauseCollectionUpdate, resumeCollectionUpdate } from '../../../workflows/subscription-messages.js';
import { DAY_MS, eventually, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

// Billing instants come from what was scheduled or requested, in whole seconds (as Stripe's
// timestamps are): never the milliseconds at which a workflow task happened to run.
let h: SubscriptionHarness;
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

const HOUR = 3_600_000;
const monthly = { unit: 'month', count: 1 } as const;
const wholeSecond = (instant: Date | null | undefined) => instant !== null && instant !== undefined && instant.getTime() % 1000 === 0;
const wholeSecondIso = (iso: string | null | undefined) => typeof iso === 'string' && iso.endsWith('.000Z');

async function setUp(paymentMethod = 'pm_card_visa') {
  const tenantId = await h.seedTenant();
  const customerId = await h.seedCustomer(tenantId, { testPaymentMethod: paymentMethod });
  const basic = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 1000 }, monthly, 'Basic');
  const pro = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 2000 }, monthly, 'Pro');
  return { tenantId, customerId, basic, pro };
}

describe('billing instants', () => {
  it('a start given with milliseconds anchors on the whole second before it', async () => {
    const { tenantId, customerId, basic } = await setUp();
    const start = utc(Y, 2, 3, 4) + 56_789; // 04:00:56.789
    await h.skipTo(start - HOUR);
    const sub = await h.startSubscription({ tenantId, customerId, items: [{ priceId: basic, quantity: 1 }], startAt: start });
    await h.skipTo(start + HOUR);
    const [invoice] = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[0]?.status === 'paid');
    // 04:00:56.789 rounded down: 04:00:56.000
    expect(invoice?.periodStart?.toISOString()).toBe(`${Y}-02-03T04:00:56.000Z`);
    expect(invoice?.lines[0]?.periodEnd?.toISOString()).toBe(`${Y}-03-03T04:00:56.000Z`);
  });

  it('a mid-period change, pause, resume and cancel are dated in whole seconds, from when they were asked', async () => {
    const { tenantId, customerId, basic, pro } = await setUp();
    const anchor = utc(Y, 4, 1);
    await h.skipTo(anchor - HOUR);
    const sub = await h.startSubscription({ tenantId, customerId, items: [{ priceId: basic, quantity: 1 }], startAt: anchor });
    await h.skipTo(anchor + 10 * DAY_MS + 123); // the server clock now carries milliseconds
    const asked = await h.env.currentTimeMs();
    const change = await sub.handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'noisy', items: [{ priceId: pro, quantity: 1 }], prorationBehavior: 'always_invoice' }] });
    expect(change.status).toBe('applied');
    expect(wholeSecondIso(change.preview.effectiveAt)).toBe(true);
    const splitAt = Date.parse(change.preview.effectiveAt);
    expect(splitAt).toBeLessThanOrEqual(asked + 5_000);
    expect(splitAt).toBeGreaterThan(asked - 1_000);
    const invoices = await eventually(() => h.invoices(sub.subscriptionId), (list) => list.length === 2);
    const proration = invoices[1];
    expect(wholeSecond(proration?.periodStart)).toBe(true);
    for (const line of proration?.lines ?? []) {
      expect(wholeSecond(line.periodStart)).toBe(true);
      expect(line.description).not.toMatch(/\.\d*[1-9]\d*Z/);
    }

    await h.skipTo(anchor + 12 * DAY_MS + 777);
    const paused = await sub.handle.executeUpdate(pauseCollectionUpdate);
    expect(wholeSecondIso(paused.pausedAt)).toBe(true);
    await h.skipTo(anchor + 14 * DAY_MS + 321);
    const resumed = await sub.handle.executeUpdate(resumeCollectionUpdate);
    expect(wholeSecondIso(resumed.billingAnchor)).toBe(true);
    await h.skipTo(anchor + 16 * DAY_MS + 999);
    const canceled = await sub.handle.executeUpdate(cancelUpdate, { args: [{ mode: 'now' }] });
    expect(wholeSecondIso(canceled.canceledAt)).toBe(true);
    const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: sub.subscriptionId } });
    expect(wholeSecond(row.canceledAt)).toBe(true);
    expect(wholeSecond(row.billingAnchor)).toBe(true);
  });

  it('dunning retries are counted from the scheduled attempt, not from when it ran', async () => {
    const { tenantId, customerId, basic } = await setUp('pm_card_chargeCustomerFail');
    const anchor = utc(Y, 6, 1);
    await h.skipTo(anchor - HOUR);
    const sub = await h.startSubscription({ tenantId, customerId, items: [{ priceId: basic, quantity: 1 }], startAt: anchor });
    await h.skipTo(anchor + HOUR);
    const [invoice] = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[0]?.paymentAttempts.length === 1);
    // The default policy (retries 1, 3, 5 and 7 days on) retries a day after the first attempt, due at the period start.
    expect(invoice?.nextPaymentAttemptAt?.getTime()).toBe(anchor + DAY_MS);
    const view = await sub.handle.query(getStateQuery);
    expect(view.collections[0]?.nextRetryAt).toBe(new Date(anchor + DAY_MS).toISOString());
    await setDefaultPaymentMethod(h.db.prisma, h.stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_visa' });
  });
});
