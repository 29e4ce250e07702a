import { describe, expect, it } from 'vitest';
import { ok } from '../../support/api-expect.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * Finance analytics over the real app: subscriptions driven by their workflows through a month,
 * then MRR, movements, churn, receivables and revenue read back and compared with amounts worked
 * out by hand in the comments.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();


async function catalog(t: ApiTenant) {
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Plan' } }), 201);
  const price = (pricing: Record<string, unknown>, unit = 'month') =>
    ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing, interval: { unit } } }), 201);
  return {
    basic: await price({ model: 'flat', amount: 1000 }),
    pro: await price({ model: 'flat', amount: 3000 }),
    annual: await price({ model: 'flat', amount: 120_000 }, 'year'),
    seat: await price({ model: 'per_unit', unitAmount: 500 }),
  };
}

async function customer(t: ApiTenant, name: string) {
  const created = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', name } }), 201);
  await ok(api.request('POST', `/v1/customers/${created.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
  return created;
}

async function subscribe(t: ApiTenant, customerId: string, items: Array<{ priceId: string; quantity?: number }>, startAt?: number) {
  const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items, ...(startAt === undefined ? {} : { startAt: iso(startAt) }) } }), 201);
  return sub;
}

const live = (t: ApiTenant, id: string) => ok(api.request('GET', `/v1/subscriptions/${id}?live=true`, { key: t.key }));
async function settled(t: ApiTenant, id: string, status: string) {
  const sub = await eventually(() => live(t, id), (s: any) => s.status === status);
  expect(sub.status, id).toBe(status);
  return sub;
}

describe('MRR analytics over a month of real subscriptions', () => {
  it('one new, one upgrade, one downgrade, one churn and one reactivation: movements, rates and receivables to the cent', async () => {
    const t = await api.tenant();
    const { basic, pro, annual, seat } = await catalog(t);
    // Retries far apart, so June's declined renewal is still past due (not yet canceled) at the month's end.
    await ok(api.request('PUT', '/v1/dunning-policy', { key: t.key, body: { retryOffsetsDays: [20, 40], finalAction: 'cancel' } }));
    const [a, b, c, d, e, g] = [await customer(t, 'A'), await customer(t, 'B'), await customer(t, 'C'), await customer(t, 'D'), await customer(t, 'E'), await customer(t, 'G')];

    // 1 May: B basic $10, C pro $30, D annual $1200 (MRR $100), E basic $10, G basic $10.
    const may = utc(Y + 1, 5, 1);
    await api.h.skipTo(may - HOUR);
    const subB = await subscribe(t, b.id, [{ priceId: basic.id }], may);
    const subC = await subscribe(t, c.id, [{ priceId: pro.id }], may);
    const subD = await subscribe(t, d.id, [{ priceId: annual.id }], may);
    const subE = await subscribe(t, e.id, [{ priceId: basic.id }], may);
    const subG = await subscribe(t, g.id, [{ priceId: basic.id }], may);
    await api.h.skipTo(may + 60_000);
    for (const sub of [subB, subC, subD, subE, subG]) await settled(t, sub.id, 'active');

    // 20 May: E cancels at once (no proration: nothing more invoiced).
    await api.h.skipTo(utc(Y + 1, 5, 20));
    await ok(api.request('POST', `/v1/subscriptions/${subE.id}/cancel`, { key: t.key, body: { mode: 'now', prorate: false } }));
    await settled(t, subE.id, 'canceled');

    // 1 June: the renewals; G's card declines (every attempt), so G is past due all June but still revenue.
    await api.h.stripe.sandbox.declineNextCharges(g.gatewayCustomerId, 'insufficient_funds', 10);
    await api.h.skipTo(utc(Y + 1, 6, 1) + 60_000);
    await settled(t, subG.id, 'past_due');
    for (const sub of [subB, subC]) expect((await eventually(() => live(t, sub.id), (s: any) => s.currentPeriod?.start === iso(utc(Y + 1, 6, 1)))).currentPeriod?.start).toBe(iso(utc(Y + 1, 6, 1)));

    // 3 June: A starts with 4 seats × $5 = $20.
    await api.h.skipTo(utc(Y + 1, 6, 3) - HOUR);
    const subA = await subscribe(t, a.id, [{ priceId: seat.id, quantity: 4 }], utc(Y + 1, 6, 3));
    await api.h.skipTo(utc(Y + 1, 6, 3) + 60_000);
    await settled(t, subA.id, 'active');
    // 10 June: B upgrades basic → pro (+$20); 15 June: C downgrades pro → basic (−$20); both at once, no prorations.
    await api.h.skipTo(utc(Y + 1, 6, 10));
    await ok(api.request('POST', `/v1/subscriptions/${subB.id}/change`, { key: t.key, body: { items: [{ priceId: pro.id }], effective: 'now', prorationBehavior: 'none' } }));
    await api.h.skipTo(utc(Y + 1, 6, 15));
    await ok(api.request('POST', `/v1/subscriptions/${subC.id}/change`, { key: t.key, body: { items: [{ priceId: basic.id }], effective: 'now', prorationBehavior: 'none' } }));
    // 20 June: D cancels its annual plan at once (−$100).
    await api.h.skipTo(utc(Y + 1, 6, 20));
    await ok(api.request('POST', `/v1/subscriptions/${subD.id}/cancel`, { key: t.key, body: { mode: 'now', prorate: false } }));
    await settled(t, subD.id, 'canceled');
    // 25 June: E comes back on basic (+$10, a reactivation: E paid before).
    await api.h.skipTo(utc(Y + 1, 6, 25) - HOUR);
    const subE2 = await subscribe(t, e.id, [{ priceId: basic.id }], utc(Y + 1, 6, 25));
    await api.h.skipTo(utc(Y + 1, 6, 25) + 60_000);
    await settled(t, subE2.id, 'active');
    await api.h.skipTo(utc(Y + 1, 6, 28));

    const report = await ok(api.request('GET', `/v1/analytics/mrr?from=${Y + 1}-05-01&to=${Y + 1}-06-30&interval=month&currency=USD`, { key: t.readOnlyKey }));
    expect(report).toMatchObject({ object: 'mrr_analytics', interval: 'month', usage: 'exclude' });
    const [mayBucket, june] = report.series[0].buckets;
    // May: five customers new at 1000 + 3000 + 10000 (120000 / 12) + 1000 + 1000 = 16000; E churns −1000; closes at 15000.
    expect(mayBucket).toMatchObject({
      start: `${Y + 1}-05-01`,
      end: `${Y + 1}-05-31`,
      openingMrr: 0,
      closingMrr: 15_000,
      movements: { new: 16_000, expansion: 0, contraction: 0, churn: -1000, reactivation: 0 },
      customers: { opening: 0, closing: 4, new: 5, reactivated: 0, churned: 1 },
      // Invoiced on 1 May: 1000 + 3000 + 120000 + 1000 + 1000 = 126000, all collected.
      invoiced: 126_000,
      collected: 126_000,
      outstanding: 0,
      pastDue: 0,
    });
    // June opens at B 1000 + C 3000 + D 10000 + G 1000 = 15000 and closes at
    // A 2000 + B 3000 + C 1000 + E 1000 + G 1000 = 8000:
    // +2000 new + 2000 expansion − 2000 contraction − 10000 churn + 1000 reactivation = −7000 = 8000 − 15000.
    expect(june).toMatchObject({
      openingMrr: 15_000,
      closingMrr: 8000,
      arr: 96_000, // 8000 × 12
      movements: { new: 2000, expansion: 2000, contraction: -2000, churn: -10_000, reactivation: 1000 },
      netChange: -7000,
      customers: { opening: 4, closing: 5, new: 1, reactivated: 1, churned: 1 },
      arpu: 1600, // 8000 / 5
      subscriberChurnRate: 0.25, // 1 of 4
      revenueChurnRate: 0.8, // (10000 + 2000) / 15000
      netRevenueRetention: 0.333333, // (B 3000 + C 1000 + D 0 + G 1000) / 15000
      ltv: 2000, // 1600 / 0.8
      // Invoiced: renewals B 1000 + C 3000 + G 1000, A 2000, E 1000 = 8000; collected all but G's 1000 = 7000;
      // G's 1000 is owed at the month's end, and past due (its collection failed).
      invoiced: 8000,
      collected: 7000,
      outstanding: 1000,
      pastDue: 1000,
    });

    // Daily buckets chain, and the day of each movement carries it.
    const daily = await ok(api.request('GET', `/v1/analytics/mrr?from=${Y + 1}-06-01&to=${Y + 1}-06-30&interval=day&currency=USD`, { key: t.readOnlyKey }));
    const days = daily.series[0].buckets;
    expect(days).toHaveLength(30);
    const moved = days.filter((day: any) => day.netChange !== 0).map((day: any) => [day.start.slice(5), day.netChange]);
    expect(moved).toEqual([['06-03', 2000], ['06-10', 2000], ['06-15', -2000], ['06-20', -10_000], ['06-25', 1000]]);
    expect(days[0].ltv).toBeNull(); // no lifetime from a daily churn rate

    // Revenue, recognised day by day. D's 120000 over the N days from 1 May: 120000 = N × per + extra,
    // the extra minor units going one each to the first `extra` days (largest remainder, earlier first);
    // May's 31 and June's 30 days are all among them, so each is per + 1.
    const N = (utc(Y + 2, 5, 1) - utc(Y + 1, 5, 1)) / 86_400_000;
    const per = Math.floor(120_000 / N);
    const annualMay = 31 * (per + 1);
    const annualJune = 30 * (per + 1);
    // A: 2000 over 3 June–3 July (30 days) is 66 a day and 20 days of 67: June's 28 days = 20 × 67 + 8 × 66 = 1868.
    // E again: 1000 over 25 June–25 July (30 days) is 33 a day and 10 days of 34: June's 6 days = 6 × 34 = 204.
    // B, C, E and G's May fees (1000 + 3000 + 1000 + 1000) fall wholly in May; B, C and G's June fees (5000) in June.
    const recognisedMay = 6000 + annualMay;
    const recognisedJune = 5000 + annualJune + 1868 + 204;
    const revenue = await ok(api.request('GET', `/v1/analytics/revenue?from=${Y + 1}-05-01&to=${Y + 1}-06-30&currency=USD`, { key: t.readOnlyKey }));
    expect(revenue.series[0].buckets).toEqual([
      { start: `${Y + 1}-05-01`, end: `${Y + 1}-05-31`, invoiced: 126_000, recognised: recognisedMay, recognisedToDate: recognisedMay, deferred: 126_000 - recognisedMay },
      {
        start: `${Y + 1}-06-01`,
        end: `${Y + 1}-06-30`,
        invoiced: 8000,
        recognised: recognisedJune,
        recognisedToDate: recognisedMay + recognisedJune,
        deferred: 134_000 - recognisedMay - recognisedJune,
      },
    ]);
    // The waterfall: the May row recognises its 126000 as May's share, D's June share, the rest later;
    // the June row recognises nothing in May. Amounts in dollars and cents.
    const csv = await api.app.request(`/v1/analytics/revenue.csv?from=${Y + 1}-05-01&to=${Y + 1}-06-30`, { headers: { authorization: `Bearer ${t.readOnlyKey}` } });
    expect([csv.status, csv.headers.get('content-type'), csv.headers.get('content-disposition')]).toEqual([200, 'text/csv; charset=utf-8', `attachment; filename="revenue-${Y + 1}-05-01-${Y + 1}-06-30.csv"`]);
    const dollars = (cents: number) => (cents / 100).toFixed(2);
    expect((await csv.text()).trim().split('\n')).toEqual([
      `currency,invoiced_month,invoiced,recognised_${Y + 1}-05,recognised_${Y + 1}-06,recognised_later`,
      `USD,${Y + 1}-05,1260.00,${dollars(recognisedMay)},${dollars(annualJune)},${dollars(126_000 - recognisedMay - annualJune)}`,
      `USD,${Y + 1}-06,80.00,0.00,${dollars(recognisedJune - annualJune)},${dollars(8000 - (recognisedJune - annualJune))}`,
    ]);

    // A past month reads the same later on: history, not today's state.
    await api.h.skipTo(utc(Y + 1, 7, 2));
    const later = await ok(api.request('GET', `/v1/analytics/mrr?from=${Y + 1}-06-01&to=${Y + 1}-06-30&currency=USD`, { key: t.readOnlyKey }));
    expect(later.series[0].buckets[0].movements).toEqual(june.movements);
  });

  it('takes discounts off MRR, and adds invoiced usage only when asked, carrying it through the open period', async () => {
    const t = await api.tenant();
    const { basic } = await catalog(t);
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', displayName: 'API calls', aggregation: 'count' } }), 201);
    const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'API' } }), 201);
    const calls = await ok(
      api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'per_unit', unitAmount: 10 }, interval: { unit: 'month' }, usageType: 'metered', meterId: meter.id } }),
      201,
    );
    const p = await customer(t, 'P');
    const q = await customer(t, 'Q');
    const coupon = await ok(api.request('POST', '/v1/coupons', { key: t.key, body: { code: `QUARTER${Date.now()}`, percentOff: '25', duration: 'forever' } }), 201);
    await ok(api.request('POST', `/v1/customers/${p.id}/discounts`, { key: t.key, body: { couponId: coupon.id } }), 201);

    const august = utc(Y + 1, 8, 1);
    await api.h.skipTo(august - HOUR);
    const subP = await subscribe(t, p.id, [{ priceId: basic.id }], august);
    const subQ = await subscribe(t, q.id, [{ priceId: calls.id }], august);
    await api.h.skipTo(august + 60_000);
    for (const sub of [subP, subQ]) await settled(t, sub.id, 'active');
    // 300 calls in August at 10¢: 3000, invoiced in arrears on 1 September (after the 1-hour grace).
    const events = Array.from({ length: 300 }, (_, i) => ({ transactionId: `q-${i}`, eventName: 'api_calls', customerId: q.id, timestamp: iso(august + HOUR + i * 60_000) }));
    await api.h.skipTo(august + 6 * HOUR);
    expect((await ok(api.request('POST', '/v1/usage-events/batch', { key: t.key, body: { events } }), 202)).accepted).toBe(300);
    await api.h.skipTo(utc(Y + 1, 9, 1) + 2 * HOUR);
    const billed = await eventually(
      async () => (await ok(api.request('GET', `/v1/invoices?subscriptionId=${subQ.id}`, { key: t.key }))).data,
      (invoices: any[]) => invoices.some((invoice) => invoice.status === 'paid' && invoice.total === 3000),
    );
    expect(billed.map((invoice: any) => invoice.total)).toContain(3000);
    await api.h.skipTo(utc(Y + 1, 9, 20));

    const range = `from=${Y + 1}-08-01&to=${Y + 1}-09-30&currency=USD`;
    const excluded = (await ok(api.request('GET', `/v1/analytics/mrr?${range}`, { key: t.key }))).series[0].buckets;
    // P: 1000 less 25 % = 750. Q's usage is not recurring revenue: Q is no paying customer.
    expect(excluded.map((b: any) => [b.closingMrr, b.movements.new, b.customers.closing])).toEqual([
      [750, 750, 1],
      [750, 0, 1],
    ]);
    const included = (await ok(api.request('GET', `/v1/analytics/mrr?${range}&usage=include`, { key: t.key }))).series[0].buckets;
    // With usage: August's 3000 (one month, so 3000 a month) counts over August, Q new on 1 August:
    // 750 + 3000 = 3750. September is not invoiced yet: it carries August's 3000, no churn.
    expect(included.map((b: any) => [b.closingMrr, b.movements.new, b.movements.churn, b.customers.closing])).toEqual([
      [3750, 3750, 0, 2],
      [3750, 0, 0, 2],
    ]);
    expect((await ok(api.request('GET', `/v1/analytics/mrr?${range}&usage=include`, { key: t.key }))).usage).toBe('include');
  });

  it('refuses a bad range with every bad field, and another tenant sees none of it', async () => {
    const t = await api.tenant();
    const bad = await api.request('GET', '/v1/analytics/mrr?from=2030-02-30&to=2029-01-01&interval=week', { key: t.key });
    // 30 February is no date and a week is no bucket size: both listed in one answer.
    expect([bad.status, bad.body.error.code, bad.body.error.details.map((f: any) => f.field)]).toEqual([400, 'invalid_request', ['query.from', 'query.interval']]);
    const backwards = await api.request('GET', '/v1/analytics/revenue?from=2030-02-01&to=2030-01-01', { key: t.key });
    expect([backwards.status, backwards.body.error.details.map((f: any) => f.field)]).toEqual([400, ['query.to']]);
    const tooLong = await api.request('GET', '/v1/analytics/mrr?from=2030-01-01&to=2031-06-01&interval=day', { key: t.key });
    expect([tooLong.status, tooLong.body.error.details.map((f: any) => f.field)]).toEqual([400, ['query.to']]);
    // A tenant of its own sees none of the other tests' subscriptions or invoices over the same months.
    const empty = await ok(api.request('GET', `/v1/analytics/mrr?from=${Y + 1}-05-01&to=${Y + 1}-09-30`, { key: t.key }));
    expect(empty.series).toEqual([]);
  });
});
