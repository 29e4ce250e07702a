import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStateQuery } from '../../../workflows/subscription-messages.js';
import { DAY_MS, SubscriptionHarness, utc } from '../../support/subscription-harness.js';

let h: SubscriptionHarness;
beforeAll(async () => {
  h = await SubscriptionHarness.create();
  await h.startWorker();
});
afterAll(async () => {
  await h.close();
});

describe('trial, then renewals billed in advance', () => {
  it('a 14-day trial then 24 monthly renewals from a Jan 31 anchor: clamped dates, 24 paid invoices, exact amounts', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    // $29.99 a month: 2999 minor units per invoice.
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 2999 });
    // Starts 2027-01-17; 14 days of trial end on 2027-01-31, which becomes the billing anchor.
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: utc(2027, 1, 17), trialDays: 14 });

    expect((await handle.query(getStateQuery)).status).toBe('trialing');
    await h.skipTo(utc(2027, 1, 30));
    expect(await h.invoices(subscriptionId)).toEqual([]); // nothing billed during the trial

    // Period n starts at Jan 31 + n months, clamped to the month's length (never chained):
    const expectedStarts = [
      '2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30',
      '2027-07-31', '2027-08-31', '2027-09-30', '2027-10-31', '2027-11-30', '2027-12-31',
      '2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30', '2028-05-31', '2028-06-30',
      '2028-07-31', '2028-08-31', '2028-09-30', '2028-10-31', '2028-11-30', '2028-12-31',
    ];
    // Stop just after the 24th invoice (2028-12-31), before the 25th (2029-01-31).
    await h.skipTo(utc(2028, 12, 31) + DAY_MS);

    const invoices = await h.invoices(subscriptionId);
    expect(invoices).toHaveLength(24);
    expect(invoices.map((i) => i.periodStart?.toISOString().slice(0, 10))).toEqual(expectedStarts);
    expect(invoices.map((i) => i.periodEnd?.toISOString().slice(0, 10))).toEqual([...expectedStarts.slice(1), '2029-01-31']);
    for (const invoice of invoices) {
      expect(invoice.status).toBe('paid');
      expect(Number(invoice.total)).toBe(2999);
      expect(Number(invoice.amountPaid)).toBe(2999);
      expect(invoice.lines.map((l) => [l.kind, Number(l.amount)])).toEqual([['recurring', 2999]]);
      expect(invoice.paymentAttempts.map((a) => a.status)).toEqual(['succeeded']);
    }
    // Gapless numbering per tenant: INV-000001 … INV-000024.
    expect(invoices.map((i) => i.number)).toEqual(Array.from({ length: 24 }, (_, n) => `INV-${String(n + 1).padStart(6, '0')}`));
    // One successful charge per invoice at Stripe: 24 × $29.99.
    const charges = h.stripe.sandbox.ledger().filter((c) => c.status === 'succeeded' && c.metadata.subscription_id === subscriptionId);
    expect(charges).toHaveLength(24);
    expect(charges.reduce((sum, c) => sum + c.amount, 0)).toBe(24 * 2999); // 71,976

    const state = await handle.query(getStateQuery);
    expect(state.status).toBe('active');
    expect(state.currentPeriod).toMatchObject({ index: 23, start: '2028-12-31T00:00:00.000Z', end: '2029-01-31T00:00:00.000Z' });
    expect(state.nextAction).toEqual({ kind: 'renewal', at: '2029-01-31T00:00:00.000Z' });
    const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(row.status).toBe('active');
    expect(row.currentPeriodEnd?.toISOString()).toBe('2029-01-31T00:00:00.000Z');
  });

  it('after 36 periods the current run\'s history is small: each period is its own run', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 1000 });
    const start = (await h.env.currentTimeMs()) + DAY_MS;
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: start });
    // 36 weeks would be quicker, but months exercise the real calendar: 36 months ≈ 1,096 days.
    await h.skipTo(start + 1_100 * DAY_MS);
    expect((await h.invoices(subscriptionId)).filter((i) => i.status === 'paid').length).toBeGreaterThanOrEqual(37);
    const history = await handle.fetchHistory();
    // One run covers one period: a handful of activities and a timer, never 36 periods of events.
    expect(history.events?.length ?? 0).toBeLessThan(80);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
  });
});
