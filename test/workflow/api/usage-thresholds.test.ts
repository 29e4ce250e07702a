import { describe, expect, it } from 'vitest';
import { ok, refused } from '../../support/api-expect.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * Usage alerts and spend thresholds over HTTP, on the real workflow: an alert's thresholds fire
 * once per period as usage crosses them; a spend threshold issues threshold invoices during the
 * period and the period's invoice bills only the rest. Amounts are worked out in the comments.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const iso = (ms: number) => new Date(ms).toISOString();
let sequence = 0;

/** `count` API calls timestamped at `at` (one millisecond apart), sent once the clock has passed them. */
async function calls(t: ApiTenant, customerId: string, count: number, at: number): Promise<void> {
  await api.h.skipTo(at + MINUTE);
  const events = Array.from({ length: count }, (_, i) => ({ transactionId: `thr-${++sequence}`, eventName: 'api_calls', customerId, timestamp: iso(at + i) }));
  const body = await ok(api.request('POST', '/v1/usage-events/batch', { key: t.key, body: { events } }), 202);
  expect(body.accepted).toBe(count);
}

/** A $10.00 monthly fee and API calls, graduated: the first 100 a period free, then 2¢ each. */
async function plan(t: ApiTenant) {
  const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', displayName: 'API calls', aggregation: 'count' } }), 201);
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Metered' } }), 201);
  const base = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1000 }, interval: { unit: 'month' } } }), 201);
  const usage = await ok(
    api.request('POST', '/v1/prices', {
      key: t.key,
      body: { productId: product.id, currency: 'USD', pricing: { model: 'graduated', tiers: [{ upTo: 100, unitAmount: 0 }, { upTo: null, unitAmount: 2 }] }, interval: { unit: 'month' }, usageType: 'metered', meterId: meter.id },
    }),
    201,
  );
  const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'spend@example.com' } }), 201);
  await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
  return { meter, product, base, usage, buyer };
}

async function subscribe(t: ApiTenant, customerId: string, priceIds: string[], start: number) {
  await api.h.skipTo(start - HOUR);
  const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items: priceIds.map((priceId) => ({ priceId })), startAt: iso(start) } }), 201);
  await api.h.skipTo(start + HOUR);
  await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'active');
  return sub;
}

const invoicesOf = async (t: ApiTenant, subscriptionId: string) => (await ok(api.request('GET', `/v1/invoices?subscriptionId=${subscriptionId}&limit=20`, { key: t.key }))).data.reverse();

describe('spend thresholds (progressive billing)', () => {
  it('issues a threshold invoice each time accrued usage reaches the threshold; the period’s invoice bills the rest, and together they bill the period once', async () => {
    const t = await api.tenant();
    const p = await plan(t);
    const march = utc(Y + 1, 3, 1);
    const april = utc(Y + 1, 4, 1);
    const sub = await subscribe(t, p.buyer.id, [p.base.id, p.usage.id], march);
    await refused(api.request('PUT', `/v1/subscriptions/${sub.id}/spend-threshold`, { key: t.key, body: { amount: 0 } }), 400, 'invalid_request');
    expect(await ok(api.request('PUT', `/v1/subscriptions/${sub.id}/spend-threshold`, { key: t.key, body: { amount: 500 } }))).toEqual({ object: 'spend_threshold', subscriptionId: sub.id, currency: 'USD', amount: 500 });
    expect((await ok(api.request('GET', `/v1/subscriptions/${sub.id}/spend-threshold`, { key: t.key }))).amount).toBe(500);

    const thresholdInvoices = async () => (await invoicesOf(t, sub.id)).filter((i: any) => i.kind === 'threshold');
    // 200 calls: (200 − 100 free) × 2¢ = 200 < 500 — nothing yet.
    await calls(t, p.buyer.id, 200, march + 1 * DAY);
    // 400 calls: 300 × 2¢ = 600 ≥ 500 — the first threshold invoice, 600, paid at once.
    await calls(t, p.buyer.id, 200, march + 4 * DAY);
    const first = await eventually(thresholdInvoices, (list) => list.length === 1 && list[0].status === 'paid');
    expect(first[0].total).toBe(600);
    // 550 calls: 450 × 2¢ = 900, less the 600 invoiced = 300 < 500 — nothing.
    await calls(t, p.buyer.id, 150, march + 9 * DAY);
    // 850 calls: 750 × 2¢ = 1,500, less 600 = 900 ≥ 500 — the second, 900 (priced alone, 450 calls
    // would be (450 − 100) × 2¢ = 700: the tiers count the whole period).
    await calls(t, p.buyer.id, 300, march + 19 * DAY);
    const second = await eventually(thresholdInvoices, (list) => list.length === 2 && list.every((i: any) => i.status === 'paid'));
    expect(second.map((i: any) => i.total)).toEqual([600, 900]);
    const detail = await ok(api.request('GET', `/v1/invoices/${second[1].id}`, { key: t.key }));
    expect(detail.lines.map((l: any) => [l.kind, l.amount, l.usageQuantity, l.periodStart])).toEqual([['usage', 900, '850', iso(march)]]);
    expect(detail.lines[0].description).toBe(`API calls (${iso(march)} – ${iso(april)}), less 600 already invoiced on threshold invoices`);
    // 900 calls by the end: 800 × 2¢ = 1,600.
    await calls(t, p.buyer.id, 50, march + 27 * DAY);
    // April 1 (after the 1-hour grace): April's fee 1,000 + March's usage 1,600 − 1,500 invoiced = 100 → 1,100.
    await api.h.skipTo(april + 2 * HOUR);
    const all = await eventually(
      () => invoicesOf(t, sub.id),
      (list) => list.some((i: any) => i.kind === 'recurring' && i.periodStart === iso(april) && i.status === 'paid'),
    );
    const renewal = await ok(api.request('GET', `/v1/invoices/${all.find((i: any) => i.kind === 'recurring' && i.periodStart === iso(april)).id}`, { key: t.key }));
    expect(renewal.lines.map((l: any) => [l.kind, l.amount, l.usageQuantity])).toEqual([
      ['recurring', 1000, null],
      ['usage', 100, '900'],
    ]);
    expect(renewal.total).toBe(1100);
    // March's usage billed once in all: 600 + 900 + 100 = 1,600 = 800 billable calls × 2¢.
    const usageBilled = [...second.map((i: any) => i.total), renewal.lines[1].amount].reduce((a: number, b: number) => a + b, 0);
    expect(usageBilled).toBe(1600);
    // Removing the threshold stops threshold invoices.
    expect((await ok(api.request('PUT', `/v1/subscriptions/${sub.id}/spend-threshold`, { key: t.key, body: { amount: null } }))).amount).toBeNull();
    await calls(t, p.buyer.id, 1000, april + 3 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await thresholdInvoices()).toHaveLength(2);
  });
});

describe('usage alerts', () => {
  it('each threshold fires once per period when usage crosses it — a quantity, and a percentage of the feature’s limit — with an event and a record', async () => {
    const t = await api.tenant();
    const p = await plan(t);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: p.meter.id, enforcement: 'soft' } }), 201);
    await ok(api.request('POST', `/v1/products/${p.product.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: 1000 } }));
    const may = utc(Y + 1, 5, 1);
    const june = utc(Y + 1, 6, 1);
    const sub = await subscribe(t, p.buyer.id, [p.base.id, p.usage.id], may);
    await refused(api.request('POST', `/v1/subscriptions/${sub.id}/usage-alerts`, { key: t.key, body: { meterId: p.meter.id, thresholds: [{ percentOfLimit: 80 }] } }), 422, 'invalid_usage_alert');
    await refused(api.request('POST', `/v1/subscriptions/${sub.id}/usage-alerts`, { key: t.key, body: { meterId: p.meter.id, thresholds: [{ quantity: 5 }, { quantity: '5.0' }] } }), 422, 'invalid_usage_alert');
    await refused(api.request('POST', `/v1/subscriptions/${sub.id}/usage-alerts`, { key: t.key, body: { meterId: 'meter_nope', thresholds: [{ quantity: 5 }] } }), 404, 'meter_not_found');
    const alert = await ok(
      api.request('POST', `/v1/subscriptions/${sub.id}/usage-alerts`, { key: t.key, idempotencyKey: 'alert-1', body: { meterId: p.meter.id, feature: 'api_calls', name: 'heavy use', thresholds: [{ quantity: 300 }, { percentOfLimit: 80 }] } }),
      201,
    );
    expect(alert).toMatchObject({ object: 'usage_alert', featureKey: 'api_calls', name: 'heavy use', thresholds: [{ quantity: '300' }, { percentOfLimit: '80' }], firings: [] });

    const events = async () => (await api.h.db.prisma.outboxEvent.findMany({ where: { tenantId: t.tenantId, type: 'usage.threshold_reached' }, orderBy: { createdAt: 'asc' } })).map((e) => e.payload as any);
    await calls(t, p.buyer.id, 299, may + 1 * DAY);
    expect(await events()).toEqual([]);
    // The 300th call crosses the first threshold.
    await calls(t, p.buyer.id, 1, may + 2 * DAY);
    expect((await events()).map((e) => [e.thresholdKey, e.thresholdQuantity, e.usage])).toEqual([['quantity:300', '300', '300']]);
    // 800 = 80% of the 1,000-call limit.
    await calls(t, p.buyer.id, 500, may + 3 * DAY);
    await calls(t, p.buyer.id, 400, may + 4 * DAY);
    const fired = await events();
    expect(fired.map((e) => [e.thresholdKey, e.thresholdQuantity, e.usage])).toEqual([
      ['quantity:300', '300', '300'],
      ['percent:80', '800', '800'],
    ]);
    expect(fired[1]).toMatchObject({ alertId: alert.id, subscriptionId: sub.id, customerId: p.buyer.id, meterId: p.meter.id, meterKey: 'api_calls', periodStart: iso(may), periodEnd: iso(june) });
    // When it fired: as the events were stored (the test server's clock moves on by a few ms meanwhile).
    expect(Date.parse(fired[1].at) - (may + 3 * DAY + MINUTE)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(fired[1].at) - (may + 3 * DAY + MINUTE)).toBeLessThan(5_000);
    const listed = (await ok(api.request('GET', `/v1/subscriptions/${sub.id}/usage-alerts`, { key: t.key }))).data;
    expect(listed[0].firings.map((f: any) => [f.threshold, f.usage, f.periodStart])).toEqual([
      ['percent:80', '800', iso(may)],
      ['quantity:300', '300', iso(may)],
    ]);
    // June: a new period, each fires again once crossed.
    await calls(t, p.buyer.id, 350, june + 2 * DAY);
    expect((await events()).map((e) => [e.thresholdKey, e.periodStart])).toEqual([
      ['quantity:300', iso(may)],
      ['percent:80', iso(may)],
      ['quantity:300', iso(june)],
    ]);
    // An alert whose threshold usage already stands above fires as it is created: June has 350 calls.
    const late = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/usage-alerts`, { key: t.key, body: { meterId: p.meter.id, thresholds: [{ quantity: 100 }] } }), 201);
    expect(late.firings.map((f: any) => [f.threshold, f.usage, f.periodStart])).toEqual([['quantity:100', '350', iso(june)]]);
    const removed = await ok(api.request('DELETE', `/v1/subscriptions/${sub.id}/usage-alerts/${alert.id}`, { key: t.key }));
    expect(removed.id).toBe(alert.id);
    await refused(api.request('DELETE', `/v1/subscriptions/${sub.id}/usage-alerts/${alert.id}`, { key: t.key }), 404, 'usage_alert_not_found');
  });
});

describe('a spend threshold given at creation', () => {
  it('is stored with the subscription; zero is refused with the field named', async () => {
    const t = await api.tenant();
    const p = await plan(t);
    const start = utc(Y + 2, 1, 1);
    await api.h.skipTo(start - HOUR);
    const bad = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: p.buyer.id, items: [{ priceId: p.base.id }], startAt: iso(start), spendThreshold: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field)).toEqual(['body.spendThreshold']);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: p.buyer.id, items: [{ priceId: p.base.id }, { priceId: p.usage.id }], startAt: iso(start), spendThreshold: 700 } }), 201);
    expect(await ok(api.request('GET', `/v1/subscriptions/${sub.id}/spend-threshold`, { key: t.key }))).toEqual({ object: 'spend_threshold', subscriptionId: sub.id, currency: 'USD', amount: 700 });
  });
});
