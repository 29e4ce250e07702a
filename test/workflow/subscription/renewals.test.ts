import { describe, expect, it } from 'vitest';
import { getStateQuery } from '../../../workflows/subscription-messages.js';
import { DAY_MS, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

let h: SubscriptionHarness;
/** A year ahead of the server's clock whose next year is a leap year (the file's tests share one server clock). */
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

describe('trial, then renewals billed in advance', () => {
  it('a 14-day trial then 24 monthly renewals from a Jan 31 anchor: clamped dates, 24 paid invoices, exact amounts', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    // $29.99 a month: 2999 minor units per invoice.
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 2999 });
    // Starts Y-01-17; 14 days of trial end on Y-01-31, which becomes the billing anchor (Y + 1 is a leap year).
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: utc(Y, 1, 17), trialDays: 14 });

    expect((await handle.query(getStateQuery)).status).toBe('trialing');
    await h.skipTo(utc(Y, 1, 30));
    expect(await h.invoices(subscriptionId)).toEqual([]); // nothing billed during the trial

    // Period n starts at Jan 31 + n months, clamped to the month's length (never chained):
    const expectedStarts = [
      `${Y}-01-31`, `${Y}-02-28`, `${Y}-03-31`, `${Y}-04-30`, `${Y}-05-31`, `${Y}-06-30`,
      `${Y}-07-31`, `${Y}-08-31`, `${Y}-09-30`, `${Y}-10-31`, `${Y}-11-30`, `${Y}-12-31`,
      `${Y + 1}-01-31`, `${Y + 1}-02-29`, `${Y + 1}-03-31`, `${Y + 1}-04-30`, `${Y + 1}-05-31`, `${Y + 1}-06-30`,
      `${Y + 1}-07-31`, `${Y + 1}-08-31`, `${Y + 1}-09-30`, `${Y + 1}-10-31`, `${Y + 1}-11-30`, `${Y + 1}-12-31`,
    ];
    // Stop just after the 24th invoice ((Y+1)-12-31), before the 25th ((Y+2)-01-31).
    await h.skipTo(utc(Y + 1, 12, 31) + DAY_MS);

    const invoices = await h.invoices(subscriptionId);
    expect(invoices).toHaveLength(24);
    expect(invoices.map((i) => i.periodStart?.toISOString().slice(0, 10))).toEqual(expectedStarts);
    expect(invoices.map((i) => i.periodEnd?.toISOString().slice(0, 10))).toEqual([...expectedStarts.slice(1), `${Y + 2}-01-31`]);
    // Billed in advance, at the start of each period (rows carry the billing clock).
    expect(invoices.map((i) => i.finalizedAt?.toISOString().slice(0, 10))).toEqual(expectedStarts);
    expect(invoices.map((i) => i.paidAt?.toISOString().slice(0, 10))).toEqual(expectedStarts);
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
    expect(state.currentPeriod).toMatchObject({ index: 23, start: `${Y + 1}-12-31T00:00:00.000Z`, end: `${Y + 2}-01-31T00:00:00.000Z` });
    expect(state.nextAction).toEqual({ kind: 'renewal', at: `${Y + 2}-01-31T00:00:00.000Z` });
    const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(row.status).toBe('active');
    expect(row.currentPeriodEnd?.toISOString()).toBe(`${Y + 2}-01-31T00:00:00.000Z`);
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
