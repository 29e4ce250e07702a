import { describe, expect, it } from 'vitest';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * One-off invoices over HTTP, collected by their own workflow on the time-skipping server with the
 * real worker, PostgreSQL and the Stripe sandbox. Amounts worked out in the comments.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const DAY = 86_400_000;

async function ok<T = any>(response: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled.body;
}

async function customer(t: ApiTenant, paymentMethodId: string) {
  const created = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 201);
  await ok(api.request('POST', `/v1/customers/${created.id}/default-payment-method`, { key: t.key, body: { paymentMethodId } }));
  return created;
}

const invoice = (t: ApiTenant, id: string) => ok(api.request('GET', `/v1/invoices/${id}`, { key: t.key }));
const payments = async (t: ApiTenant, id: string) => (await ok(api.request('GET', `/v1/invoices/${id}/payments`, { key: t.key }))).data as any[];

describe('one-off invoices', () => {
  it('is issued with the customer\'s discount and credit, charged at once by its own workflow, and a retried create makes nothing twice', async () => {
    const t = await api.tenant();
    const buyer = await customer(t, 'pm_card_visa');
    const coupon = await ok(api.request('POST', '/v1/coupons', { key: t.key, body: { code: 'TEN', percentOff: '10', duration: 'forever' } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/discounts`, { key: t.key, body: { couponId: coupon.id } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/credit-balance/adjustments`, { key: t.key, body: { amount: 500, currency: 'USD', reason: 'goodwill' } }), 201);
    const body = { customerId: buyer.id, items: [{ description: 'Consulting day', unitAmount: 60_000, quantity: 2 }, { description: 'Travel', unitAmount: 8_000 }] };
    const issued = await ok(api.request('POST', '/v1/invoices', { key: t.key, idempotencyKey: 'consulting-1', body }), 201);
    // 2 × $600.00 + $80.00 = $1,280.00; less 10% ($128.00) = $1,152.00; less $5.00 of credit = $1,147.00 due.
    expect(issued).toMatchObject({ object: 'invoice', kind: 'manual', subscriptionId: null, number: 'INV-000001', subtotal: 128_000, discountTotal: 12_800, total: 115_200, creditApplied: 500, amountDue: 114_700 });
    expect(issued.lines.filter((l: any) => l.kind === 'one_off').map((l: any) => [l.description, l.quantity, l.amount])).toEqual([['Consulting day', 2, 120_000], ['Travel', 1, 8_000]]);
    const paid = await eventually(() => invoice(t, issued.id), (i: any) => i.status === 'paid');
    expect(paid.amountPaid).toBe(114_700);
    const again = await api.request('POST', '/v1/invoices', { key: t.key, idempotencyKey: 'consulting-1', body });
    expect([again.status, again.body.id]).toEqual([201, issued.id]);
    expect((await payments(t, issued.id)).map((p) => [p.attemptNumber, p.status, p.amount])).toEqual([[1, 'succeeded', 114_700]]);
    expect(api.h.stripe.sandbox.successfulChargesFor('invoice_id', issued.id)).toHaveLength(1);
    // Nothing is due from the next one for the discount only: the coupon is "forever".
    const second = await ok(api.request('POST', '/v1/invoices', { key: t.key, body: { customerId: buyer.id, items: [{ description: 'Extra', unitAmount: 1000 }] } }), 201);
    expect([second.number, second.total]).toEqual(['INV-000002', 900]);
  });

  it('a declined one-off invoice is dunned by the tenant\'s policy, then marked uncollectible', async () => {
    const t = await api.tenant();
    await ok(api.request('PUT', '/v1/dunning-policy', { key: t.key, body: { retryOffsetsDays: [1, 3], finalAction: 'mark_unpaid', invoiceFinalState: 'uncollectible' } }));
    const buyer = await customer(t, 'pm_card_chargeCustomerFail');
    const start = utc(Y + 1, 5, 1);
    await api.h.skipTo(start);
    const issued = await ok(api.request('POST', '/v1/invoices', { key: t.key, body: { customerId: buyer.id, items: [{ description: 'Hardware', unitAmount: 25_000 }] } }), 201);
    const first = await eventually(() => invoice(t, issued.id), (i: any) => i.attemptCount === 1);
    // The first failure at May 1; retries 1 and 3 days after it.
    expect([first.status, first.nextPaymentAttemptAt?.slice(0, 10)]).toEqual(['open', `${Y + 1}-05-02`]);
    await api.h.skipTo(start + DAY + 60_000);
    const second = await eventually(() => invoice(t, issued.id), (i: any) => i.attemptCount === 2);
    expect(second.nextPaymentAttemptAt?.slice(0, 10)).toBe(`${Y + 1}-05-04`);
    // What an operator sees in the Temporal UI: the workflow's own view of its collection.
    const live = await api.h.env.client.workflow.getHandle(`invoice:${issued.id}`).query<{ state: string; attempts: unknown[]; nextRetryAt: number | null }>('invoiceCollection');
    expect([live.state, live.attempts.length, new Date(live.nextRetryAt ?? 0).toISOString().slice(0, 10)]).toEqual(['collecting', 2, `${Y + 1}-05-04`]);
    await api.h.skipTo(start + 3 * DAY + 60_000);
    const last = await eventually(() => invoice(t, issued.id), (i: any) => i.status === 'uncollectible');
    expect([last.attemptCount, last.amountPaid, last.nextPaymentAttemptAt]).toEqual([3, 0, null]);
    expect((await payments(t, issued.id)).map((p) => [p.attemptNumber, p.status])).toEqual([[1, 'declined'], [2, 'declined'], [3, 'declined']]);
    expect(api.h.stripe.sandbox.successfulChargesFor('invoice_id', issued.id)).toEqual([]);
  });

  it('a new default card charges a declined one-off invoice again at once', async () => {
    const t = await api.tenant();
    const buyer = await customer(t, 'pm_card_chargeCustomerFail');
    const issued = await ok(api.request('POST', '/v1/invoices', { key: t.key, body: { customerId: buyer.id, items: [{ description: 'Licence', unitAmount: 9_900 }] } }), 201);
    await eventually(() => invoice(t, issued.id), (i: any) => i.attemptCount === 1);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
    const paid = await eventually(() => invoice(t, issued.id), (i: any) => i.status === 'paid');
    expect([paid.attemptCount, paid.amountPaid]).toEqual([2, 9_900]);
    expect((await payments(t, issued.id)).map((p) => [p.attemptNumber, p.status])).toEqual([[1, 'declined'], [2, 'succeeded']]);
  });

  it('support pays a declined one-off invoice now (a real attempt), then voids it; its workflow ends', async () => {
    const t = await api.tenant();
    const support = await ok(api.request('POST', '/v1/api-keys', { key: t.key, body: { name: 'desk', role: 'support' } }), 201);
    const buyer = await customer(t, 'pm_card_chargeCustomerFail');
    const issued = await ok(api.request('POST', '/v1/invoices', { key: t.key, body: { customerId: buyer.id, items: [{ description: 'Audit', unitAmount: 4_000 }] } }), 201);
    await eventually(() => invoice(t, issued.id), (i: any) => i.attemptCount === 1);
    const paid = await ok(api.request('POST', `/v1/invoices/${issued.id}/pay`, { key: support.secret, idempotencyKey: 'pay-now' }));
    expect(paid).toMatchObject({ outcome: 'declined', invoice: { status: 'open', attemptCount: 2 } });
    const replay = await api.request('POST', `/v1/invoices/${issued.id}/pay`, { key: support.secret, idempotencyKey: 'pay-now' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await payments(t, issued.id)).toHaveLength(2);
    const voided = await ok(api.request('POST', `/v1/invoices/${issued.id}/void`, { key: support.secret }));
    expect(voided.status).toBe('void');
    const run = await api.h.env.client.workflow.getHandle(`invoice:${issued.id}`).result();
    expect(run).toMatchObject({ invoiceId: issued.id, state: 'void' });
    const late = await api.request('POST', `/v1/invoices/${issued.id}/pay`, { key: support.secret });
    expect([late.status, late.body.error.code]).toEqual([409, 'invoice_not_open']);
    expect((await ok(api.request('POST', `/v1/invoices/${issued.id}/void`, { key: t.key }))).status).toBe('void');
  });

  it('refuses bad input with every field and another tenant\'s customer, and a support key cannot issue one', async () => {
    const t = await api.tenant();
    const other = await api.tenant();
    const buyer = await customer(t, 'pm_card_visa');
    const bad = await api.request('POST', '/v1/invoices', { key: t.key, body: { customerId: buyer.id, items: [] } });
    expect([bad.status, bad.body.error.details.map((d: any) => d.field)]).toEqual([400, ['body.items']]);
    expect((await api.request('POST', '/v1/invoices', { key: other.key, body: { customerId: buyer.id, items: [{ description: 'x', unitAmount: 1 }] } })).status).toBe(404);
    const support = await ok(api.request('POST', '/v1/api-keys', { key: t.key, body: { name: 'desk', role: 'support' } }), 201);
    expect((await api.request('POST', '/v1/invoices', { key: support.secret, body: { customerId: buyer.id, items: [{ description: 'x', unitAmount: 1 }] } })).status).toBe(403);
    expect((await ok(api.request('GET', `/v1/invoices?customerId=${buyer.id}`, { key: t.key }))).data).toEqual([]);
  });
});
