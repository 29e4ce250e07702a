import { describe, expect, it } from 'vitest';
import { cancelUpdate, changeItemsUpdate, getStateQuery } from '../../../workflows/subscription-messages.js';
import { DAY_MS, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

let h: SubscriptionHarness;
/** A year ahead of the server's clock whose next year is a leap year (the file's tests share one server clock); scenarios run in date order. */
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

const day = (date: Date | null | undefined): string | undefined => date?.toISOString().slice(0, 10);

describe('billing cycle anchor: a stub period, then full periods aligned to the anchor', () => {
  it('starts Jan 15, anchored to Feb 1: a prorated stub invoice at once, then full invoices on the 1st', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    // $31.00 a month: 3100 minor units.
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 3100 });
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: utc(Y, 1, 15), billingCycleAnchor: utc(Y, 2, 1) });
    await h.skipTo(utc(Y, 1, 16));
    const stub = await h.invoices(subscriptionId);
    expect(stub).toHaveLength(1);
    // The stub is Jan 15 → Feb 1 (17 days) of the full period Jan 1 → Feb 1 (31 days):
    // $31.00 × 17/31 = $17.00.
    expect(stub[0]?.lines.map((l) => [l.kind, Number(l.amount)])).toEqual([['proration', 1700]]);
    expect([day(stub[0]?.periodStart), day(stub[0]?.periodEnd), stub[0]?.periodIndex, stub[0]?.status]).toEqual([`${Y}-01-15`, `${Y}-02-01`, -1, 'paid']);
    const inStub = await handle.query(getStateQuery);
    expect(inStub).toMatchObject({ status: 'active', billingAnchor: `${Y}-02-01T00:00:00.000Z`, currentPeriod: { index: -1, start: `${Y}-01-15T00:00:00.000Z`, end: `${Y}-02-01T00:00:00.000Z` } });
    expect(inStub.nextAction).toEqual({ kind: 'renewal', at: `${Y}-02-01T00:00:00.000Z` });
    const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect([row.status, row.currentPeriodIndex, day(row.currentPeriodStart), day(row.currentPeriodEnd)]).toEqual(['active', -1, `${Y}-01-15`, `${Y}-02-01`]);

    await h.skipTo(utc(Y, 3, 1) + DAY_MS);
    const invoices = await h.invoices(subscriptionId);
    // Then the full price on each anchor day: Feb 1 → Mar 1 and Mar 1 → Apr 1.
    expect(invoices.map((i) => [day(i.periodStart), day(i.periodEnd), i.periodIndex, Number(i.total), i.status])).toEqual([
      [`${Y}-01-15`, `${Y}-02-01`, -1, 1700, 'paid'],
      [`${Y}-02-01`, `${Y}-03-01`, 0, 3100, 'paid'],
      [`${Y}-03-01`, `${Y}-04-01`, 1, 3100, 'paid'],
    ]);
    expect(invoices.map((i) => day(i.paidAt))).toEqual([`${Y}-01-15`, `${Y}-02-01`, `${Y}-03-01`]);
    // One charge per invoice at the gateway: 1700 + 3100 + 3100 = 7900.
    const charges = h.stripe.sandbox.ledger().filter((c) => c.status === 'succeeded' && c.metadata.subscription_id === subscriptionId);
    expect(charges.reduce((sum, c) => sum + c.amount, 0)).toBe(7900);
    expect((await handle.query(getStateQuery)).currentPeriod).toMatchObject({ index: 1, start: `${Y}-03-01T00:00:00.000Z` });
  });

  it('with proration none the stub is free: a $0 invoice activates it, the anchor bills the first full period', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 2500 });
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: utc(Y, 5, 20), billingCycleAnchor: utc(Y, 6, 1), stubProration: 'none' });
    await h.skipTo(utc(Y, 5, 21));
    expect((await handle.query(getStateQuery)).status).toBe('active');
    await h.skipTo(utc(Y, 6, 2));
    const invoices = await h.invoices(subscriptionId);
    expect(invoices.map((i) => [day(i.periodStart), i.periodIndex, Number(i.total), i.status])).toEqual([
      [`${Y}-05-20`, -1, 0, 'paid'],
      [`${Y}-06-01`, 0, 2500, 'paid'],
    ]);
    // Nothing charged for the stub: only the June invoice reached the gateway.
    const charges = h.stripe.sandbox.ledger().filter((c) => c.status === 'succeeded' && c.metadata.subscription_id === subscriptionId);
    expect(charges.map((c) => c.amount)).toEqual([2500]);
  });

  it('a month-end anchor clamps from the anchor: start Jan 20, anchor Jan 31 → periods end Feb 29 (a leap year), Mar 31, Apr 30', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 3100 });
    const { subscriptionId } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: utc(Y + 1, 1, 20), billingCycleAnchor: utc(Y + 1, 1, 31) });
    await h.skipTo(utc(Y + 1, 3, 31) + DAY_MS);
    const invoices = await h.invoices(subscriptionId);
    // Stub Jan 20 → Jan 31 is 11 days of Dec 31 → Jan 31 (31 days): $31.00 × 11/31 = $11.00.
    expect(invoices.map((i) => [day(i.periodStart), day(i.periodEnd), Number(i.total)])).toEqual([
      [`${Y + 1}-01-20`, `${Y + 1}-01-31`, 1100],
      [`${Y + 1}-01-31`, `${Y + 1}-02-29`, 3100],
      [`${Y + 1}-02-29`, `${Y + 1}-03-31`, 3100],
      [`${Y + 1}-03-31`, `${Y + 1}-04-30`, 3100],
    ]);
  });

  it('an upgrade inside the stub prorates against the full period the stub belongs to', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const basic = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 3000 }, { unit: 'month', count: 1 }, 'Basic');
    const pro = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 6000 }, { unit: 'month', count: 1 }, 'Pro');
    // (Y+1)-09-01 → (Y+1)-10-01 is 30 days; the stub starts Sep 11 (20 days): $30.00 × 20/30 = $20.00.
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId: basic, quantity: 1 }], startAt: utc(Y + 1, 9, 11), billingCycleAnchor: utc(Y + 1, 10, 1) });
    await h.skipTo(utc(Y + 1, 9, 21));
    // On Sep 21, 10 of the 30 days are left: credit $30.00 × 10/30 = −$10.00, charge $60.00 × 10/30 = $20.00.
    const result = await handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'up', items: [{ priceId: pro, quantity: 1 }], prorationBehavior: 'create_prorations' }] });
    expect(result.status).toBe('applied');
    await h.skipTo(utc(Y + 1, 10, 2));
    const invoices = await h.invoices(subscriptionId);
    expect(Number(invoices[0]?.total)).toBe(2000);
    // Oct 1: Pro $60.00 in advance, − $10.00 + $20.00 of prorations = $70.00.
    expect(invoices[1]?.lines.map((l) => [l.kind, Number(l.amount)]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['proration', -1000],
      ['proration', 2000],
      ['recurring', 6000],
    ]);
    expect(Number(invoices[1]?.total)).toBe(7000);
  });

  it('cancel now with proration inside the stub credits only the unused part of what the stub charged', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 3000 });
    // Stub Nov 16 → Dec 1 of Nov 1 → Dec 1 (30 days): $30.00 × 15/30 = $15.00.
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: utc(Y + 1, 11, 16), billingCycleAnchor: utc(Y + 1, 12, 1) });
    await h.skipTo(utc(Y + 1, 11, 26));
    // Nov 26: 5 of 30 days unused → $30.00 × 5/30 = $5.00 back.
    expect((await handle.executeUpdate(cancelUpdate, { args: [{ mode: 'now', prorate: true }] })).status).toBe('canceled');
    const ledger = await h.db.prisma.creditBalanceTransaction.findMany({ where: { customerId } });
    expect(ledger.map((t) => [Number(t.amount), t.reason])).toEqual([[500, 'prorated_cancellation']]);
    expect((await h.invoices(subscriptionId)).map((i) => Number(i.total))).toEqual([1500]);
  });
});
