import { describe, expect, it } from 'vitest';
import { refundCreditNote } from '../../../src/billing/credit-notes/refund-credit-note.js';
import { PENDING_REFUND_GRACE_MS, retryPendingRefunds } from '../../../src/billing/sweeps/retry-pending-refunds.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * Credit notes over the real app, refunds through the Stripe SDK against the sandbox (counted in
 * the sandbox's own ledger). Every amount is worked out in the comments from the prices.
 */
let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

async function ok<T = any>(response: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled.body;
}

/** A first invoice of $30.00 a month (one line), the customer's coupon applied when given; paid unless the card declines. */
async function paidInvoice(t: ApiTenant, options: { percentOff?: string; card?: string } = {}) {
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Plan' } }), 201);
  const price = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'per_unit', unitAmount: 1000 }, interval: { unit: 'month' } } }), 201);
  const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 201);
  await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: options.card ?? 'pm_card_visa' } }));
  if (options.percentOff !== undefined) {
    const coupon = await ok(api.request('POST', '/v1/coupons', { key: t.key, body: { code: `TEN${Date.now()}`, percentOff: options.percentOff, duration: 'forever' } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/discounts`, { key: t.key, body: { couponId: coupon.id } }), 201);
  }
  const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: price.id, quantity: 3 }] } }), 201);
  const listed = await eventually(
    async () => (await ok(api.request('GET', `/v1/invoices?subscriptionId=${sub.id}`, { key: t.key }))).data[0],
    (invoice: any) => invoice?.status === 'paid' || invoice?.attemptCount === 1,
  );
  const invoice = await ok(api.request('GET', `/v1/invoices/${listed.id}`, { key: t.key }));
  const [payment] = (await ok(api.request('GET', `/v1/invoices/${invoice.id}/payments`, { key: t.key }))).data;
  return { buyer, invoice, line: invoice.lines.find((l: any) => l.kind === 'recurring'), paymentIntentId: payment.gatewayPaymentIntentId as string };
}

async function gatewayRefunds(paymentIntentId: string) {
  return (await api.h.stripe.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })).data;
}

describe('credit notes', () => {
  it('a partial line credit is refunded at the gateway exactly once, however the request is retried', async () => {
    const t = await api.tenant();
    const { invoice, line, paymentIntentId } = await paidInvoice(t);
    // 3 seats × $10.00 = $30.00 paid.
    expect([invoice.total, invoice.amountPaid, line.amount]).toEqual([3000, 3000, 3000]);

    const body = { lines: [{ invoiceLineId: line.id, quantity: 1 }], reason: 'order_change', memo: 'one seat removed' };
    const first = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, idempotencyKey: 'cn-1', body });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // One seat of three: 3000 × 1 / 3 = 1000.
    expect(first.body).toMatchObject({ object: 'credit_note', number: 'CN-000001', outcome: 'refund', subtotal: 1000, adjustment: 0, total: 1000, refund: { status: 'succeeded' }, lines: [{ invoiceLineId: line.id, quantity: 1, amount: 1000 }] });
    const again = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, idempotencyKey: 'cn-1', body });
    expect([again.status, again.body.id]).toEqual([201, first.body.id]);
    // The refund asked again (a retry after a crash, or the sweep) finds the same gateway refund.
    await refundCreditNote(api.h.db.prisma, api.h.stripe.gateway, { tenantId: t.tenantId, creditNoteId: first.body.id });
    const refunds = await gatewayRefunds(paymentIntentId);
    expect(refunds.map((r) => [r.amount, r.status, r.metadata?.refund_id])).toEqual([[1000, 'succeeded', first.body.id]]);
    expect(refunds[0]!.id).toBe(first.body.refund.gatewayRefundId);

    const after = await ok(api.request('GET', `/v1/invoices/${invoice.id}`, { key: t.key }));
    // Credited 1000 of 3000: 2000 left; refunded 1000.
    expect([after.status, after.amountCredited, after.amountRemaining, after.amountRefunded]).toEqual(['paid', 1000, 2000, 1000]);
    expect((await ok(api.request('GET', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key }))).data.map((n: any) => n.id)).toEqual([first.body.id]);
    expect(await ok(api.request('GET', `/v1/credit-notes/${first.body.id}`, { key: t.key }))).toEqual(first.body);
  });

  it('a refund the gateway could not answer stays pending, is asked again with the same key, and refunds once', async () => {
    const t = await api.tenant();
    const { invoice, paymentIntentId } = await paidInvoice(t);
    // The gateway commits the refund, then the connection drops before it answers — and again for
    // the SDK's own retry with the same key.
    api.h.stripe.sandbox.failNext('drop_after_commit', '/v1/refunds', 2);
    const note = await ok(api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { amount: 500, reason: 'duplicate' } }), 201);
    expect(note.refund).toMatchObject({ status: 'pending', gatewayRefundId: null });
    expect((await gatewayRefunds(paymentIntentId)).map((r) => r.amount)).toEqual([500]);
    // The stuck-billing sweep's step asks again once the note has been pending past its grace period.
    const early = await retryPendingRefunds(api.h.db.prisma, api.h.stripe.gateway, { now: new Date(), limit: 100 });
    expect(early.asked).toBe(0);
    const swept = await retryPendingRefunds(api.h.db.prisma, api.h.stripe.gateway, { now: new Date(Date.now() + PENDING_REFUND_GRACE_MS + 1000), limit: 100 });
    expect(swept).toMatchObject({ succeeded: 1, failed: 0 });
    const settled = await ok(api.request('GET', `/v1/credit-notes/${note.id}`, { key: t.key }));
    expect(settled.refund.status).toBe('succeeded');
    expect((await gatewayRefunds(paymentIntentId)).map((r) => [r.amount, r.reason])).toEqual([[500, 'duplicate']]);
  });

  it('refuses a note larger than what was paid, and concurrent notes never credit more than the invoice', async () => {
    const t = await api.tenant();
    const { invoice, paymentIntentId } = await paidInvoice(t);
    const tooMuch = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { amount: 3001, reason: 'other' } });
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([422, 'invalid_credit_note']);
    expect(tooMuch.body.error.details[0]).toMatchObject({ amount: '3001', remaining: '3000' });

    // Five notes of $10.00 at once on $30.00: three are issued, two refused, nothing credited twice.
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { amount: 1000, reason: 'other' } })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 422, 422]);
    // Gapless: the refusals took no number.
    expect(answers.filter((a) => a.status === 201).map((a) => a.body.number).sort()).toEqual(['CN-000001', 'CN-000002', 'CN-000003']);
    const after = await ok(api.request('GET', `/v1/invoices/${invoice.id}`, { key: t.key }));
    expect([after.amountCredited, after.amountRemaining, after.amountRefunded]).toEqual([3000, 0, 3000]);
    expect((await gatewayRefunds(paymentIntentId)).map((r) => r.amount)).toEqual([1000, 1000, 1000]);
  });

  it("credits the customer's balance instead, with the line's share of its discount, and the next note refunds no more than is left", async () => {
    const t = await api.tenant();
    const { buyer, invoice, line, paymentIntentId } = await paidInvoice(t, { percentOff: '10' });
    // $30.00 less 10% = $27.00 paid.
    expect([invoice.subtotal, invoice.discountTotal, invoice.total, invoice.amountPaid]).toEqual([3000, 300, 2700, 2700]);
    // One seat's $10.00 with its share of the discount: −300 × 1000 / 3000 = −100 → $9.00.
    const note = await ok(api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { lines: [{ invoiceLineId: line.id, quantity: 1 }], reason: 'product_unsatisfactory', outcome: 'credit_balance' } }), 201);
    expect(note).toMatchObject({ outcome: 'credit_balance', subtotal: 1000, adjustment: -100, total: 900, refund: null });
    const balance = await ok(api.request('GET', `/v1/customers/${buyer.id}/credit-balance`, { key: t.key }));
    expect(JSON.stringify(balance)).toContain('900');
    expect(await gatewayRefunds(paymentIntentId)).toEqual([]);
    // The rest of the line: the last seats take exactly what is left, 2700 − 900 = 1800.
    const rest = await ok(api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { lines: [{ invoiceLineId: line.id }], reason: 'other' } }), 201);
    expect([rest.subtotal, rest.total, rest.refund.status]).toEqual([2000, 1800, 'succeeded']);
    const none = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { amount: 1, reason: 'other' } });
    expect([none.status, none.body.error.code]).toEqual([422, 'invalid_credit_note']);
  });

  it('refuses a refund of an open invoice, a void invoice, a foreign one, and bad input with every field', async () => {
    const t = await api.tenant();
    const other = await api.tenant();
    const { invoice } = await paidInvoice(other);
    expect((await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { amount: 1, reason: 'other' } })).status).toBe(404);
    const bad = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: other.key, body: { amount: 0, reason: 'because', outcome: 'cash' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.amount', 'body.outcome', 'body.reason']);
    const both = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: other.key, body: { amount: 5, lines: [{ invoiceLineId: 'il_x' }], reason: 'other' } });
    expect([both.status, both.body.error.code]).toEqual([400, 'invalid_request']);
    expect(both.body.error.details.map((d: any) => d.field)).toEqual(['body.lines']);
    const readOnly = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: other.readOnlyKey, body: { amount: 1, reason: 'other' } });
    expect(readOnly.status).toBe(403);

    // An open invoice owes no refund; a void one was never paid.
    const declined = await paidInvoice(t, { card: 'pm_card_chargeCustomerFail' });
    expect(declined.invoice.status).toBe('open');
    const refund = await api.request('POST', `/v1/invoices/${declined.invoice.id}/credit-notes`, { key: t.key, body: { amount: 100, reason: 'other', outcome: 'refund' } });
    expect([refund.status, refund.body.error.code]).toEqual([422, 'invalid_credit_note']);
    await ok(api.request('POST', `/v1/invoices/${declined.invoice.id}/void`, { key: t.key }));
    const voided = await api.request('POST', `/v1/invoices/${declined.invoice.id}/credit-notes`, { key: t.key, body: { amount: 100, reason: 'other' } });
    expect([voided.status, voided.body.error.code]).toEqual([409, 'invoice_not_paid']);
    expect((await ok(api.request('GET', `/v1/credit-notes?customerId=${declined.buyer.id}`, { key: t.key }))).data).toEqual([]);
  });

  it("an open subscription invoice is credited by its workflow: the next charge takes only what is left", async () => {
    const t = await api.tenant();
    const { buyer, invoice, line, paymentIntentId } = await paidInvoice(t, { card: 'pm_card_chargeCustomerFail' });
    void paymentIntentId;
    // $30.00 open after a declined first charge; one seat of three credited: 3000 × 1 / 3 = 1000.
    const note = await ok(api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, idempotencyKey: 'open-1', body: { lines: [{ invoiceLineId: line.id, quantity: 1 }], reason: 'order_change' } }), 201);
    expect(note).toMatchObject({ outcome: 'reduce_amount_due', total: 1000, refund: null, number: 'CN-000001' });
    const again = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, idempotencyKey: 'open-1', body: { lines: [{ invoiceLineId: line.id, quantity: 1 }], reason: 'order_change' } });
    expect(again.body.id).toBe(note.id);
    const reduced = await ok(api.request('GET', `/v1/invoices/${invoice.id}`, { key: t.key }));
    expect([reduced.status, reduced.amountDue, reduced.amountCredited]).toEqual(['open', 2000, 1000]);
    const tooMuch = await api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { amount: 2001, reason: 'other' } });
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([422, 'invalid_credit_note']);
    // A working card: the workflow retries at once and charges the $20.00 left.
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
    const paid = await eventually(() => ok(api.request('GET', `/v1/invoices/${invoice.id}`, { key: t.key })), (i: any) => i.status === 'paid');
    expect(paid.amountPaid).toBe(2000);
    expect(api.h.stripe.sandbox.successfulChargesFor('invoice_id', invoice.id).map((c) => c.amount)).toEqual([2000]);
  });

  it('a note for all that is due on an open one-off invoice settles it, and its workflow stops collecting', async () => {
    const t = await api.tenant();
    const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_chargeCustomerFail' } }));
    const issued = await ok(api.request('POST', '/v1/invoices', { key: t.key, body: { customerId: buyer.id, items: [{ description: 'Audit', unitAmount: 4500 }] } }), 201);
    await eventually(() => ok(api.request('GET', `/v1/invoices/${issued.id}`, { key: t.key })), (i: any) => i.attemptCount === 1);
    const note = await ok(api.request('POST', `/v1/invoices/${issued.id}/credit-notes`, { key: t.key, body: { amount: 4500, reason: 'fraudulent' } }), 201);
    expect([note.outcome, note.total]).toEqual(['reduce_amount_due', 4500]);
    const settled = await ok(api.request('GET', `/v1/invoices/${issued.id}`, { key: t.key }));
    expect([settled.status, settled.amountDue, settled.amountPaid, settled.amountCredited]).toEqual(['paid', 0, 0, 4500]);
    expect(await api.h.env.client.workflow.getHandle(`invoice:${issued.id}`).result()).toMatchObject({ state: 'paid' });
    expect((await ok(api.request('GET', `/v1/invoices/${issued.id}/payments`, { key: t.key }))).data).toHaveLength(1);
  });
});

