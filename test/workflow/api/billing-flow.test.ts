import { describe, expect, it } from 'vitest';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * Whole journeys through HTTP only: no fixture touches the database or the workflow directly.
 * Every amount is worked out below from the prices, not read back from the code.
 */
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
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Team plan' } }), 201);
  const price = (amount: number) =>
    ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount }, interval: { unit: 'month' } } }), 201);
  return { product, basic: await price(1000), pro: await price(2000) };
}

async function customer(t: ApiTenant, paymentMethodId: string) {
  const created = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'buyer@example.com', name: 'Buyer' } }), 201);
  await ok(api.request('POST', `/v1/customers/${created.id}/default-payment-method`, { key: t.key, body: { paymentMethodId } }));
  return created;
}

async function invoicesOf(t: ApiTenant, subscriptionId: string): Promise<any[]> {
  const page = await ok(api.request('GET', `/v1/invoices?subscriptionId=${subscriptionId}&limit=100`, { key: t.key }));
  return [...page.data].reverse(); // oldest first
}

describe('create customer → price → subscription → change → cancel, over HTTP only', () => {
  it('bills the first month, previews and applies an upgrade with exact prorations, bills them, and cancels at period end', async () => {
    const t = await api.tenant();
    const { basic, pro } = await catalog(t);
    const buyer = await customer(t, 'pm_card_visa');
    const start = utc(Y + 1, 4, 1);
    await api.h.skipTo(start - HOUR);

    const sub = await ok(
      api.request('POST', '/v1/subscriptions', { key: t.key, idempotencyKey: 'signup-1', body: { customerId: buyer.id, items: [{ priceId: basic.id }], startAt: new Date(start).toISOString() } }),
      201,
    );
    expect(sub).toMatchObject({ object: 'subscription', status: 'incomplete', customerId: buyer.id, currency: 'USD', items: [{ priceId: basic.id, quantity: 1 }] });
    const again = await api.request('POST', '/v1/subscriptions', { key: t.key, idempotencyKey: 'signup-1', body: { customerId: buyer.id, items: [{ priceId: basic.id }], startAt: new Date(start).toISOString() } });
    expect([again.status, again.body.id, again.headers.get('idempotent-replayed')]).toEqual([201, sub.id, 'true']);

    await api.h.skipTo(start + 60_000);
    const first = await eventually(() => invoicesOf(t, sub.id), (list) => list[0]?.status === 'paid');
    // April: one month of basic, $10.00.
    expect(first.map((i) => [i.number, i.status, i.total, i.amountPaid])).toEqual([['INV-000001', 'paid', 1000, 1000]]);
    // The row follows the workflow a moment after the invoice is marked paid.
    expect((await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key })), (s) => s.status === 'active')).status).toBe('active');

    // April 16 00:00 leaves 15 of April's 30 days: unused basic −$10.00 × 15/30 = −$5.00,
    // remaining pro +$20.00 × 15/30 = +$10.00, net +$5.00.
    await api.h.skipTo(utc(Y + 1, 4, 16));
    const preview = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/preview-change`, { key: t.key, body: { items: [{ priceId: pro.id }] } }));
    expect(preview).toMatchObject({ direction: 'upgrade', effective: 'now', currency: 'USD', credit: -500, charge: 1000, net: 500 });
    expect(preview.lines.map((l: any) => [l.kind, l.priceId, l.amount, l.quantity])).toEqual([
      ['unused_time', basic.id, -500, 1],
      ['remaining_time', pro.id, 1000, 1],
    ]);
    // Nothing applied by the preview.
    const unchanged = await ok(api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key }));
    expect([unchanged.items.map((i: any) => i.priceId), unchanged.live.pendingProrations]).toEqual([[basic.id], 0]);
    expect(await invoicesOf(t, sub.id)).toHaveLength(1);

    const change = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, idempotencyKey: 'upgrade-1', body: { items: [{ priceId: pro.id }] } }));
    expect(change).toMatchObject({ status: 'applied', invoiceId: null, preview: { net: 500, currency: 'USD' } });
    const upgraded = await ok(api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key }));
    expect([upgraded.items.map((i: any) => i.priceId), upgraded.live.items, upgraded.live.pendingProrations]).toEqual([[pro.id], [{ priceId: pro.id, quantity: 1 }], 500]);

    // May: pro $20.00 in advance plus April's prorations +$5.00 = $25.00.
    await api.h.skipTo(utc(Y + 1, 5, 1) + 60_000);
    const second = await eventually(() => invoicesOf(t, sub.id), (list) => list[1]?.status === 'paid');
    expect(second.map((i) => [i.number, i.status, i.total])).toEqual([
      ['INV-000001', 'paid', 1000],
      ['INV-000002', 'paid', 2500],
    ]);
    const may = await ok(api.request('GET', `/v1/invoices/${second[1].id}`, { key: t.key }));
    expect(may.lines.map((l: any) => [l.kind, l.amount])).toEqual([
      ['recurring', 2000],
      ['proration', -500],
      ['proration', 1000],
    ]);
    const payments = await ok(api.request('GET', `/v1/invoices/${second[1].id}/payments`, { key: t.key }));
    expect(payments.data.map((p: any) => [p.attemptNumber, p.status, p.amount])).toEqual([[1, 'succeeded', 2500]]);

    const canceling = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/cancel`, { key: t.key, body: { mode: 'period_end' } }));
    expect(canceling).toMatchObject({ cancelAtPeriodEnd: true, live: { nextAction: { kind: 'cancellation', at: `${Y + 1}-06-01T00:00:00.000Z` } } });
    await api.h.skipTo(utc(Y + 1, 6, 15));
    const ended = await eventually(
      () => ok(api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key })),
      (s) => s.status === 'canceled',
    );
    expect(ended).toMatchObject({ status: 'canceled', endedAt: `${Y + 1}-06-01T00:00:00.000Z` });
    expect(await invoicesOf(t, sub.id)).toHaveLength(2);
    const refused = await api.request('POST', `/v1/subscriptions/${sub.id}/cancel`, { key: t.key, body: { mode: 'now' } });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'subscription_canceled']);
    const listed = await ok(api.request('GET', `/v1/subscriptions?status=canceled&customerId=${buyer.id}`, { key: t.key }));
    expect(listed.data.map((s: any) => s.id)).toEqual([sub.id]);
  });
});

describe('collection through the API: pay now, void, pause and resume', () => {
  it('a declined first invoice can be retried with pay now, then voided; voided invoices cannot be paid', async () => {
    const t = await api.tenant();
    const { basic } = await catalog(t);
    const buyer = await customer(t, 'pm_card_chargeCustomerFail');
    const start = utc(Y + 2, 1, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: basic.id }], startAt: new Date(start).toISOString() } }), 201);
    await api.h.skipTo(start + 60_000);
    const [invoice] = await eventually(() => invoicesOf(t, sub.id), (list) => list[0]?.attemptCount === 1);
    expect(invoice).toMatchObject({ status: 'open', amountDue: 1000, attemptCount: 1 });

    const paid = await ok(api.request('POST', `/v1/invoices/${invoice.id}/pay`, { key: t.key, idempotencyKey: 'pay-1' }));
    expect(paid).toMatchObject({ outcome: 'declined', declineCode: 'generic_decline', invoice: { status: 'open', attemptCount: 2 } });
    const attempts = await ok(api.request('GET', `/v1/invoices/${invoice.id}/payments`, { key: t.key }));
    expect(attempts.data.map((p: any) => [p.attemptNumber, p.status, p.declineCode])).toEqual([
      [1, 'declined', 'generic_decline'],
      [2, 'declined', 'generic_decline'],
    ]);
    // The same Idempotency-Key does not charge a third time.
    const replay = await api.request('POST', `/v1/invoices/${invoice.id}/pay`, { key: t.key, idempotencyKey: 'pay-1' });
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect((await ok(api.request('GET', `/v1/invoices/${invoice.id}/payments`, { key: t.key }))).data).toHaveLength(2);

    const voided = await ok(api.request('POST', `/v1/invoices/${invoice.id}/void`, { key: t.key }));
    expect(voided).toMatchObject({ id: invoice.id, status: 'void', amountPaid: 0 });
    expect(voided.voidedAt).not.toBeNull();
    const live = await ok(api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key }));
    expect(live.live.collections).toEqual([]);
    const payVoid = await api.request('POST', `/v1/invoices/${invoice.id}/pay`, { key: t.key });
    expect([payVoid.status, payVoid.body.error.code]).toEqual([409, 'invoice_not_open']);
    // Voiding again is a no-op that answers the same invoice.
    expect((await ok(api.request('POST', `/v1/invoices/${invoice.id}/void`, { key: t.key }))).status).toBe('void');
  });

  it('an invoice left open by an immediate cancel can still be voided, but no longer paid through the ended subscription', async () => {
    const t = await api.tenant();
    const { basic } = await catalog(t);
    const buyer = await customer(t, 'pm_card_chargeCustomerFail');
    const start = utc(Y + 2, 2, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: basic.id }], startAt: new Date(start).toISOString() } }), 201);
    await api.h.skipTo(start + 60_000);
    const [invoice] = await eventually(() => invoicesOf(t, sub.id), (list) => list[0]?.attemptCount === 1);
    expect((await ok(api.request('POST', `/v1/subscriptions/${sub.id}/cancel`, { key: t.key, body: { mode: 'now' } }))).status).toBe('canceled');
    await eventually(
      () => api.h.env.client.workflow.getHandle(`subscription:${sub.id}`).describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    const pay = await api.request('POST', `/v1/invoices/${invoice.id}/pay`, { key: t.key });
    expect([pay.status, pay.body.error.code]).toEqual([409, 'subscription_ended']);
    const voided = await ok(api.request('POST', `/v1/invoices/${invoice.id}/void`, { key: t.key }));
    expect(voided).toMatchObject({ id: invoice.id, status: 'void', amountPaid: 0 });
  });

  it('pauses and resumes; the workflow refuses what its state does not allow, as 409 with its reason', async () => {
    const t = await api.tenant();
    const { basic } = await catalog(t);
    const buyer = await customer(t, 'pm_card_visa');
    const start = utc(Y + 2, 3, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: basic.id }], startAt: new Date(start).toISOString() } }), 201);
    await api.h.skipTo(start + 60_000);
    await eventually(() => invoicesOf(t, sub.id), (list) => list[0]?.status === 'paid');

    const notPaused = await api.request('POST', `/v1/subscriptions/${sub.id}/resume`, { key: t.key });
    expect([notPaused.status, notPaused.body.error.code]).toEqual([409, 'subscription_not_paused']);
    expect(notPaused.body.error.message).toContain('active');

    const paused = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/pause`, { key: t.key }));
    expect(paused).toMatchObject({ status: 'paused', live: { status: 'paused' } });
    const twice = await api.request('POST', `/v1/subscriptions/${sub.id}/pause`, { key: t.key, body: {} });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'subscription_not_pausable']);

    const resumed = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/resume`, { key: t.key }));
    expect(resumed.live.status).toMatch(/^(active|incomplete)$/);

    // A price of another currency is a billing rule broken (422); a price that is not the tenant's is a 404.
    const other = await api.tenant();
    const foreign = await catalog(other);
    const foreignChange = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, body: { items: [{ priceId: foreign.pro.id }] } });
    expect([foreignChange.status, foreignChange.body.error.code]).toEqual([404, 'price_not_found']);
  });
});

describe('billing cycle anchor over HTTP', () => {
  it('aligns renewals to the anchor after a prorated stub, and refuses an anchor out of range with every bad field', async () => {
    const t = await api.tenant();
    const { basic } = await catalog(t);
    const buyer = await customer(t, 'pm_card_visa');
    const start = utc(Y + 2, 4, 11);
    const anchor = utc(Y + 2, 5, 1);
    await api.h.skipTo(start - HOUR);
    const body = { customerId: buyer.id, items: [{ priceId: basic.id }], startAt: new Date(start).toISOString() };

    // Apr 11 + 1 month = May 11 is the latest anchor; May 12 is refused, as is an anchor before the start.
    const late = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { ...body, billingCycleAnchor: new Date(utc(Y + 2, 5, 12)).toISOString() } });
    expect([late.status, late.body.error.code]).toEqual([422, 'invalid_billing_cycle_anchor']);
    const early = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { ...body, billingCycleAnchor: new Date(start - 1000).toISOString() } });
    expect([early.status, early.body.error.code]).toEqual([422, 'invalid_billing_cycle_anchor']);
    const withTrial = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { ...body, trialDays: 7, billingCycleAnchor: new Date(anchor).toISOString() } });
    expect([withTrial.status, withTrial.body.error.code]).toEqual([422, 'invalid_billing_cycle_anchor']);
    const noAnchor = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { ...body, prorationBehavior: 'none' } });
    expect([noAnchor.status, noAnchor.body.error.code]).toEqual([400, 'invalid_request']);
    expect(noAnchor.body.error.details).toEqual([expect.objectContaining({ field: 'body.prorationBehavior' })]);
    // Nothing was half-made by the refusals.
    expect((await ok(api.request('GET', `/v1/subscriptions?customerId=${buyer.id}`, { key: t.key }))).data).toEqual([]);

    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { ...body, billingCycleAnchor: new Date(anchor).toISOString() } }), 201);
    expect(sub).toMatchObject({ status: 'incomplete', billingAnchor: new Date(anchor).toISOString(), currentPeriod: { index: -1, start: new Date(start).toISOString(), end: new Date(anchor).toISOString() } });
    await api.h.skipTo(anchor + 60_000);
    const invoices = await eventually(() => invoicesOf(t, sub.id), (list) => list.length === 2 && list.every((i) => i.status === 'paid'));
    // Stub Apr 11 → May 1 is 20 of April's 30 days: $10.00 × 20/30 = $6.666… → $6.67. Then May in full: $10.00.
    expect(invoices.map((i) => [i.periodIndex, i.total])).toEqual([
      [-1, 667],
      [0, 1000],
    ]);
  });
});
