import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStripeSandbox, SANDBOX_SECRET_KEY } from '../../../../src/devtools/stripe-sandbox/index.js';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 11 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

const invoiceCharge = (invoiceId: string) =>
  ({ amount: 4200, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { invoice_id: invoiceId } }) as const;

describe('injected faults', () => {
  it('drop_after_commit: the SDK sees a connection error; the retry with the same key gets the stored success; one charge', async () => {
    // Twice: the SDK retries a reset connection once on its own, even with maxNetworkRetries 0.
    h.sandbox.failNext('drop_after_commit', '/v1/payment_intents', 2);
    const error = await stripeError(() => h.stripe.paymentIntents.create(invoiceCharge('inv_1'), { idempotencyKey: 'invoice:inv_1:attempt:1' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_1')).toHaveLength(1);
    const retried = await h.stripe.paymentIntents.create(invoiceCharge('inv_1'), { idempotencyKey: 'invoice:inv_1:attempt:1' });
    expect(retried.status).toBe('succeeded');
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(retried.id).toBe(h.sandbox.ledger()[0]?.paymentIntentId);
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_1')).toHaveLength(1);
  });

  it('drop_after_commit once: the SDK’s own retry of the reset connection replays the stored result', async () => {
    h.sandbox.failNext('drop_after_commit', '/v1/payment_intents');
    const pi = await h.stripe.paymentIntents.create(invoiceCharge('inv_2'));
    expect(pi.status).toBe('succeeded');
    expect(pi.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_2')).toHaveLength(1);
  });

  it('429 rate_limit happens before processing: retryable, nothing stored, the retry with the key executes once', async () => {
    h.sandbox.failNext('rate_limit', '/v1/payment_intents');
    const error = await stripeError(() => h.stripe.paymentIntents.create(invoiceCharge('inv_3'), { idempotencyKey: 'k-429' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect(error.headers?.['stripe-should-retry']).toBe('true');
    expect(h.sandbox.ledger()).toHaveLength(0);
    const pi = await h.stripe.paymentIntents.create(invoiceCharge('inv_3'), { idempotencyKey: 'k-429' });
    expect(pi.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_3')).toHaveLength(1);
  });

  it('500 api_error happens before processing: retryable, nothing stored', async () => {
    h.sandbox.failNext('server_error', '/v1/payment_intents');
    const error = await stripeError(() => h.stripe.paymentIntents.create(invoiceCharge('inv_4'), { idempotencyKey: 'k-500' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500, rawType: 'api_error' });
    expect(error.headers?.['stripe-should-retry']).toBe('true');
    expect(h.sandbox.ledger()).toHaveLength(0);
    expect(h.sandbox.events()).toHaveLength(0);
    await h.stripe.paymentIntents.create(invoiceCharge('inv_4'), { idempotencyKey: 'k-500' });
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_4')).toHaveLength(1);
  });

  it('an SDK with network retries rides through 429, 500 and a dropped connection with one charge', async () => {
    h.sandbox.failNext('rate_limit', '/v1/payment_intents');
    h.sandbox.failNext('server_error', '/v1/payment_intents');
    h.sandbox.failNext('drop_after_commit', '/v1/payment_intents');
    const retrying = h.client(3);
    // The SDK sleeps between retries (at least its initial delay, 0.5 s); keep that short here.
    const pi = await retrying.paymentIntents.create(invoiceCharge('inv_5'), { idempotencyKey: 'k-ride', maxNetworkRetries: 3 });
    expect(pi.status).toBe('succeeded');
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_5')).toHaveLength(1);
  });

  it('one-shot faults only hit their path prefix, and reads are never faulted', async () => {
    h.sandbox.failNext('server_error', '/v1/refunds');
    const customer = await h.stripe.customers.create({});
    expect((await h.stripe.customers.retrieve(customer.id)).id).toBe(customer.id);
    const pi = await h.stripe.paymentIntents.create(invoiceCharge('inv_6'));
    const error = await stripeError(() => h.stripe.refunds.create({ payment_intent: pi.id }));
    expect(error.statusCode).toBe(500);
    expect((await h.stripe.refunds.create({ payment_intent: pi.id })).status).toBe('succeeded');
  });

  it('random faults respect `paths`', async () => {
    h.sandbox.setFaults({ serverErrorRate: 1, paths: ['/v1/refunds'] });
    const pi = await h.stripe.paymentIntents.create(invoiceCharge('inv_7'));
    expect(pi.status).toBe('succeeded');
    expect((await stripeError(() => h.stripe.refunds.create({ payment_intent: pi.id }))).statusCode).toBe(500);
  });

  it('refuses fault rates that cannot be probabilities of exclusive outcomes', () => {
    expect(() => h.sandbox.setFaults({ rateLimitRate: 0.6, serverErrorRate: 0.6 })).toThrow(/must not exceed 1/);
    expect(() => h.sandbox.setFaults({ slowRate: -0.1 })).toThrow();
  });

  it('the same seed gives the same fault sequence', async () => {
    const outcomes = async (seed: number): Promise<number[]> => {
      const sandbox = createStripeSandbox({ seed, faults: { rateLimitRate: 0.2, serverErrorRate: 0.2, slowRate: 0.1, slowMs: 1 } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const response = await sandbox.app.request('/v1/customers', {
          method: 'POST',
          headers: { Authorization: `Bearer ${SANDBOX_SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: `metadata[n]=${i}`,
        });
        statuses.push(response.status);
      }
      return statuses;
    };
    const first = await outcomes(42);
    expect(await outcomes(42)).toEqual(first);
    expect(first).toContain(429);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await outcomes(43)).not.toEqual(first);
  });
});
