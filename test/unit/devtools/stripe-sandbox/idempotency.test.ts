import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_SECRET_KEY } from '../../../../src/devtools/stripe-sandbox/index.js';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 7 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

const invoiceCharge = (invoiceId: string, amount = 4200) =>
  ({ amount, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { invoice_id: invoiceId } }) as const;

/** A raw form POST, to control parameter order and see headers the SDK hides. */
async function post(path: string, body: string, key: string): Promise<Response> {
  return fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${SANDBOX_SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': key },
    body,
  });
}

describe('idempotency keys', () => {
  it('a replay returns the stored PaymentIntent, marked Idempotent-Replayed, without charging or emitting again', async () => {
    const first = await h.stripe.paymentIntents.create(invoiceCharge('inv_1'), { idempotencyKey: 'invoice:inv_1:attempt:1' });
    const eventsAfterFirst = h.sandbox.events().length;
    const replay = await h.stripe.paymentIntents.create(invoiceCharge('inv_1'), { idempotencyKey: 'invoice:inv_1:attempt:1' });
    expect(replay.id).toBe(first.id);
    expect(replay.latest_charge).toBe(first.latest_charge);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_1')).toHaveLength(1);
    expect(h.sandbox.ledger()[0]?.idempotencyKey).toBe('invoice:inv_1:attempt:1');
    expect(h.sandbox.events()).toHaveLength(eventsAfterFirst);
  });

  it('compares parameters canonically: the same parameters in another order replay', async () => {
    const a = await post('/v1/customers', 'email=a%40example.com&metadata[tenant]=t1&metadata[plan]=pro', 'k-order');
    const b = await post('/v1/customers', 'metadata[plan]=pro&email=a%40example.com&metadata[tenant]=t1', 'k-order');
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(((await b.json()) as { id: string }).id).toBe(((await a.json()) as { id: string }).id);
  });

  it('the same key with different parameters is refused with idempotency_error (400)', async () => {
    await h.stripe.paymentIntents.create(invoiceCharge('inv_2', 1000), { idempotencyKey: 'k-params' });
    const error = await stripeError(() => h.stripe.paymentIntents.create(invoiceCharge('inv_2', 1001), { idempotencyKey: 'k-params' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.rawType).toBe('idempotency_error');
    expect(error.message).toBe(
      "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'k-params' if you meant to execute a different request.",
    );
    expect(h.sandbox.ledger()).toHaveLength(1);
  });

  it('the same key on another endpoint is refused with idempotency_error (400)', async () => {
    await h.stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'k-endpoint' });
    const error = await stripeError(() => h.stripe.paymentIntents.create(invoiceCharge('inv_3'), { idempotencyKey: 'k-endpoint' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.message).toContain('same endpoint');
    expect(h.sandbox.ledger()).toHaveLength(0);
  });

  it('a request arriving while another with the same key executes gets 409 and executes nothing', async () => {
    h.sandbox.setFaults({ slowMs: 300 });
    h.sandbox.failNext('slow', '/v1/payment_intents');
    const slow = h.stripe.paymentIntents.create(invoiceCharge('inv_4'), { idempotencyKey: 'k-concurrent' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await stripeError(() => h.stripe.paymentIntents.create(invoiceCharge('inv_4'), { idempotencyKey: 'k-concurrent' }));
    expect(error.statusCode).toBe(409);
    expect(error.rawType).toBe('idempotency_error');
    expect(error.message).toMatch(/^There is currently another in-progress request using this Stripe API key/);
    const pi = await slow;
    expect(pi.status).toBe('succeeded');
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_4')).toHaveLength(1);
    // Once the first finished, the key replays it.
    const replay = await h.stripe.paymentIntents.create(invoiceCharge('inv_4'), { idempotencyKey: 'k-concurrent' });
    expect(replay.id).toBe(pi.id);
  });

  it('a 402 decline is stored and replayed identically: same charge, no second attempt', async () => {
    const params = { amount: 3000, currency: 'usd', payment_method: 'pm_card_chargeDeclinedInsufficientFunds', confirm: true };
    const first = await stripeError(() => h.stripe.paymentIntents.create(params, { idempotencyKey: 'k-decline' }));
    const replay = await stripeError(() => h.stripe.paymentIntents.create(params, { idempotencyKey: 'k-decline' }));
    expect(replay).toBeInstanceOf(Stripe.errors.StripeCardError);
    // Everything Stripe said is the same; only the transport headers (request id, replay flag) differ.
    const said = (e: typeof first): Record<string, unknown> => ({ ...(e.raw as Record<string, unknown>), headers: undefined, requestId: undefined });
    expect(said(replay)).toEqual(said(first));
    expect(replay.charge).toBe(first.charge);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(h.sandbox.ledger()).toMatchObject([{ status: 'failed', declineCode: 'insufficient_funds', idempotencyKey: 'k-decline' }]);
  });

  it('a parameter validation failure is not stored: the key can then carry a corrected request', async () => {
    const tooSmall = await stripeError(() => h.stripe.paymentIntents.create(invoiceCharge('inv_5', 10), { idempotencyKey: 'k-invalid' }));
    expect(tooSmall).toMatchObject({ statusCode: 400, code: 'amount_too_small', param: 'amount' });
    const pi = await h.stripe.paymentIntents.create(invoiceCharge('inv_5', 1000), { idempotencyKey: 'k-invalid' });
    expect(pi.status).toBe('succeeded');
  });

  it('separate keys are separate requests', async () => {
    await h.stripe.paymentIntents.create(invoiceCharge('inv_6'), { idempotencyKey: 'invoice:inv_6:attempt:1' });
    await h.stripe.paymentIntents.create(invoiceCharge('inv_6'), { idempotencyKey: 'invoice:inv_6:attempt:2' });
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_6')).toHaveLength(2);
  });
});
