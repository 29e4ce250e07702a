import { describe, expect, it } from 'vitest';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/** One-off charges over HTTP: setup fees on the first invoice, pending items on the next one. Amounts worked out in the comments. */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const HOUR = 3_600_000;

async function ok<T = any>(response: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled.body;
}

async function catalog(t: ApiTenant) {
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Plan' } }), 201);
  const monthly = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 2000 }, interval: { unit: 'month' } } }), 201);
  const seat = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'per_unit', unitAmount: 300 }, interval: { unit: 'month' } } }), 201);
  return { monthly, seat };
}

async function customer(t: ApiTenant) {
  const created = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 201);
  await ok(api.request('POST', `/v1/customers/${created.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
  return created;
}

async function invoicesOf(t: ApiTenant, subscriptionId: string): Promise<any[]> {
  const page = await ok(api.request('GET', `/v1/invoices?subscriptionId=${subscriptionId}&limit=100`, { key: t.key }));
  const full = await Promise.all(page.data.map((i: any) => ok(api.request('GET', `/v1/invoices/${i.id}`, { key: t.key }))));
  return full.reverse(); // oldest first
}

const lines = (invoice: any) => invoice.lines.map((l: any) => [l.kind, l.description, l.amount]);

describe('one-off charges', () => {
  it('a setup fee is billed on the first invoice only, discounted like every line', async () => {
    const t = await api.tenant();
    const { monthly } = await catalog(t);
    const buyer = await customer(t);
    const coupon = await ok(api.request('POST', '/v1/coupons', { key: t.key, body: { code: 'TENOFF', percentOff: '10', duration: 'forever' } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/discounts`, { key: t.key, body: { couponId: coupon.id } }), 201);
    const start = utc(Y + 1, 3, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(
      api.request('POST', '/v1/subscriptions', {
        key: t.key,
        body: { customerId: buyer.id, items: [{ priceId: monthly.id }], startAt: new Date(start).toISOString(), oneTimeItems: [{ description: 'Setup fee', unitAmount: 5000 }] },
      }),
      201,
    );
    const pending = await ok(api.request('GET', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key }));
    expect(pending.data).toMatchObject([{ object: 'invoice_item', subscriptionId: sub.id, status: 'pending', amount: 5000, quantity: 1 }]);

    await api.h.skipTo(start + 60_000);
    const [first] = await eventually(() => invoicesOf(t, sub.id), (list) => list[0]?.status === 'paid');
    // $20.00 plan + $50.00 setup fee = $70.00, less 10% = $63.00.
    expect([first.subtotal, first.discountTotal, first.total, first.amountPaid]).toEqual([7000, 700, 6300, 6300]);
    expect(lines(first).filter((l: any) => l[0] !== 'discount')).toEqual([
      ['recurring', expect.any(String), 2000],
      ['one_off', 'Setup fee', 5000],
    ]);
    expect((await ok(api.request('GET', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key }))).data).toMatchObject([{ status: 'invoiced', invoiceId: first.id }]);

    await api.h.skipTo(utc(Y + 1, 4, 1) + 60_000);
    const second = await eventually(() => invoicesOf(t, sub.id), (list) => list[1]?.status === 'paid');
    // April: the plan alone, $20.00 less 10% = $18.00.
    expect(second[1].total).toBe(1800);
    expect(lines(second[1]).some((l: any) => l[0] === 'one_off')).toBe(false);
  });

  it("a pending item joins the customer's next invoice (shown by the preview, taken once), priced by a catalog price × quantity", async () => {
    const t = await api.tenant();
    const { monthly, seat } = await catalog(t);
    const buyer = await customer(t);
    const start = utc(Y + 1, 6, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: monthly.id }], startAt: new Date(start).toISOString() } }), 201);
    await api.h.skipTo(start + 60_000);
    await eventually(() => invoicesOf(t, sub.id), (list) => list[0]?.status === 'paid');

    const item = await ok(
      api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, {
        key: t.key,
        idempotencyKey: 'extra-seats',
        body: { description: 'Three extra seats for the offsite', priceId: seat.id, quantity: 3, periodStart: `${Y + 1}-06-10T00:00:00Z`, periodEnd: `${Y + 1}-06-13T00:00:00Z` },
      }),
      201,
    );
    // 3 × $3.00 = $9.00.
    expect(item).toMatchObject({ amount: 900, quantity: 3, priceId: seat.id, status: 'pending', subscriptionId: null });
    const again = await api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, {
      key: t.key,
      idempotencyKey: 'extra-seats',
      body: { description: 'Three extra seats for the offsite', priceId: seat.id, quantity: 3, periodStart: `${Y + 1}-06-10T00:00:00Z`, periodEnd: `${Y + 1}-06-13T00:00:00Z` },
    });
    expect(again.body.id).toBe(item.id);
    const withdrawn = await ok(api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key, body: { description: 'Changed my mind', unitAmount: 100 } }), 201);
    expect((await ok(api.request('DELETE', `/v1/invoice-items/${withdrawn.id}`, { key: t.key }))).status).toBe('deleted');

    // The preview shows it, through the code that issues the invoice, and takes nothing.
    const upcoming = await ok(api.request('GET', `/v1/subscriptions/${sub.id}/upcoming-invoice`, { key: t.key }));
    // July: $20.00 + $9.00 = $29.00.
    expect([upcoming.total, lines(upcoming)]).toEqual([2900, [['recurring', expect.any(String), 2000], ['one_off', 'Three extra seats for the offsite', 900]]]);
    expect((await ok(api.request('GET', `/v1/customers/${buyer.id}/invoice-items?status=pending`, { key: t.key }))).data.map((i: any) => i.id)).toEqual([item.id]);

    await api.h.skipTo(utc(Y + 1, 7, 1) + 60_000);
    const list = await eventually(() => invoicesOf(t, sub.id), (invoices) => invoices[1]?.status === 'paid');
    expect([list[1].total, lines(list[1])]).toEqual([2900, [['recurring', expect.any(String), 2000], ['one_off', 'Three extra seats for the offsite', 900]]]);
    expect(list[1].lines[1]).toMatchObject({ quantity: 3, priceId: seat.id, periodStart: `${Y + 1}-06-10T00:00:00.000Z`, periodEnd: `${Y + 1}-06-13T00:00:00.000Z` });
    const invoiced = await api.request('DELETE', `/v1/invoice-items/${item.id}`, { key: t.key });
    expect([invoiced.status, invoiced.body.error.code]).toEqual([409, 'invoice_item_invoiced']);

    await api.h.skipTo(utc(Y + 1, 8, 1) + 60_000);
    const later = await eventually(() => invoicesOf(t, sub.id), (invoices) => invoices[2]?.status === 'paid');
    expect(later[2].total).toBe(2000);
  });

  it('two subscriptions of one customer renewing at one instant bill a pending item once', async () => {
    const t = await api.tenant();
    const { monthly } = await catalog(t);
    const buyer = await customer(t);
    const start = utc(Y + 1, 9, 1);
    await api.h.skipTo(start - HOUR);
    const subs = await Promise.all(
      [1, 2].map(() => ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: monthly.id }], startAt: new Date(start).toISOString() } }), 201)),
    );
    await ok(api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key, body: { description: 'Migration', unitAmount: 700 } }), 201);
    await api.h.skipTo(start + 60_000);
    const firsts = await Promise.all(subs.map((sub) => eventually(() => invoicesOf(t, sub.id), (list) => list[0]?.status === 'paid').then((list) => list[0])));
    // One invoice is $20.00 + $7.00 = $27.00, the other $20.00.
    expect(firsts.map((i) => i.total).sort()).toEqual([2000, 2700]);
  });

  it('refuses bad items with every field, a metered price, and another tenant\'s customer', async () => {
    const t = await api.tenant();
    const other = await api.tenant();
    const buyer = await customer(t);
    const both = await api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key, body: { description: '', unitAmount: 1, priceId: 'price_x', quantity: 0 } });
    expect(both.status).toBe(400);
    expect(both.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.description', 'body.quantity']);
    const neither = await api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key, body: { description: 'x' } });
    expect([neither.status, neither.body.error.details[0].field]).toEqual([400, 'body.unitAmount']);
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'calls', aggregation: 'count' } }), 201);
    const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Usage' } }), 201);
    const metered = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'per_unit', unitAmount: 1 }, interval: { unit: 'month' }, usageType: 'metered', meterId: meter.id } }), 201);
    const usage = await api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key, body: { description: 'x', priceId: metered.id } });
    expect([usage.status, usage.body.error.code]).toEqual([422, 'invalid_items']);
    expect((await api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, { key: other.key, body: { description: 'x', unitAmount: 1 } })).status).toBe(404);
    const tooLarge = await api.request('POST', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key, body: { description: 'x', unitAmount: 99_999_999, quantity: 1000 } });
    expect([tooLarge.status, tooLarge.body.error.code]).toEqual([422, 'amount_too_large']);
    expect((await ok(api.request('GET', `/v1/customers/${buyer.id}/invoice-items`, { key: t.key }))).data).toEqual([]);
  });
});
