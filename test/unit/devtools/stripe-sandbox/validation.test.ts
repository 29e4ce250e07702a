import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 5 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

describe('Stripe’s error shapes for bad requests', () => {
  it('no API key: 401 with Stripe’s message; a live key is refused', async () => {
    const response = await fetch(`${h.url}/v1/customers`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^You did not provide an API key/);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const live = new Stripe('sk_live_not_for_a_sandbox', { host: '127.0.0.1', port: new URL(h.url).port, protocol: 'http', maxNetworkRetries: 0 });
    expect(await stripeError(() => live.customers.create({}))).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('an unknown URL is 404 "Unrecognized request URL"', async () => {
    const response = await fetch(`${h.url}/v1/subscriptions_typo`, { headers: { Authorization: 'Bearer sk_test_x' } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/subscriptions_typo\)/);
  });

  it('a missing object is 404 resource_missing naming the parameter', async () => {
    const error = await stripeError(() => h.stripe.paymentIntents.retrieve('pi_missing'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such payment_intent: 'pi_missing'", param: 'intent' });
    const pm = await stripeError(() => h.stripe.paymentIntents.create({ amount: 500, currency: 'usd', payment_method: 'pm_nope' }));
    expect(pm).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'payment_method' });
  });

  it('amounts: positive integer, at least the currency minimum, currency supported', async () => {
    const small = await stripeError(() => h.stripe.paymentIntents.create({ amount: 49, currency: 'usd' }));
    expect(small).toMatchObject({ statusCode: 400, code: 'amount_too_small', param: 'amount', message: 'Amount must be at least $0.50 usd' });
    expect((await stripeError(() => h.stripe.paymentIntents.create({ amount: 29, currency: 'gbp' }))).code).toBe('amount_too_small');
    expect((await h.stripe.paymentIntents.create({ amount: 30, currency: 'gbp' })).status).toBe('requires_payment_method');
    expect((await stripeError(() => h.stripe.paymentIntents.create({ amount: 0, currency: 'usd' }))).param).toBe('amount');
    expect((await stripeError(() => h.stripe.paymentIntents.create({ amount: 10.5, currency: 'usd' }))).code).toBe('parameter_invalid_integer');
    expect((await stripeError(() => h.stripe.paymentIntents.create({ amount: 500, currency: 'xyz' }))).param).toBe('currency');
    expect((await h.stripe.paymentIntents.create({ amount: 500, currency: 'EUR' })).currency).toBe('eur');
  });

  it('unknown parameters are refused with parameter_unknown', async () => {
    const error = await stripeError(() => h.stripe.customers.create({ emial: 'x@example.com' } as Stripe.CustomerCreateParams));
    expect(error).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'emial' });
  });

  it('a default payment method must be attached to that customer', async () => {
    const a = await h.stripe.customers.create({});
    const b = await h.stripe.customers.create({});
    const pmOfB = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: b.id });
    const error = await stripeError(() => h.stripe.customers.update(a.id, { invoice_settings: { default_payment_method: pmOfB.id } }));
    expect(error).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'invoice_settings[default_payment_method]' });
    expect(error.message).toBe(`The customer does not have a payment method with the ID ${pmOfB.id}. The payment method must be attached to the customer.`);
  });

  it('a PaymentIntent cannot use another customer’s payment method, nor confirm without one', async () => {
    const a = await h.stripe.customers.create({});
    const b = await h.stripe.customers.create({});
    const pmOfB = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: b.id });
    const foreign = await stripeError(() => h.stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: a.id, payment_method: pmOfB.id, confirm: true }));
    expect(foreign).toMatchObject({ statusCode: 400, param: 'payment_method' });
    const missing = await stripeError(() => h.stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: a.id, confirm: true, off_session: true }));
    expect(missing).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    expect(h.sandbox.ledger()).toHaveLength(0);
  });

  it('PaymentIntent lifecycle: requires_confirmation → confirm → succeeded; cannot confirm twice; cancel only before success', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    const pi = await h.stripe.paymentIntents.create({ amount: 800, currency: 'usd', customer: customer.id, payment_method: pm.id });
    expect(pi.status).toBe('requires_confirmation');
    const confirmed = await h.stripe.paymentIntents.confirm(pi.id, { off_session: true });
    expect(confirmed.status).toBe('succeeded');
    expect((await stripeError(() => h.stripe.paymentIntents.confirm(pi.id))).code).toBe('payment_intent_unexpected_state');
    expect((await stripeError(() => h.stripe.paymentIntents.cancel(pi.id))).code).toBe('payment_intent_unexpected_state');
    const other = await h.stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
    const canceled = await h.stripe.paymentIntents.cancel(other.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(h.sandbox.events().at(-1)?.type).toBe('payment_intent.canceled');
  });

  it('expand replaces ids with objects, and refuses what cannot be expanded', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, expand: ['latest_charge'] });
    expect(pi.latest_charge).toMatchObject({ object: 'charge', status: 'succeeded' });
    const error = await stripeError(() => h.stripe.paymentIntents.retrieve(pi.id, { expand: ['metadata'] }));
    expect(error).toMatchObject({ statusCode: 400, param: 'expand' });
  });

  it('every response carries Request-Id and Stripe-Version', async () => {
    const customer = await h.stripe.customers.create({ name: 'Ada' });
    expect(customer.lastResponse.requestId).toMatch(/^req_/);
    expect(customer.lastResponse.headers['stripe-version']).toBe(Stripe.API_VERSION);
    expect(customer).toMatchObject({ object: 'customer', livemode: false, name: 'Ada', metadata: {} });
    expect(typeof customer.created).toBe('number');
  });
});

describe('API versions', () => {
  it('accepts payment_method_types[] (before 2026-10-28) as well as allowed_payment_method_types[]', async () => {
    const headers = { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' };
    const legacy = await fetch(`${h.url}/v1/setup_intents`, { method: 'POST', headers, body: 'payment_method_types[]=card&usage=off_session' });
    expect(legacy.status).toBe(200);
    expect(((await legacy.json()) as { payment_method_types: string[] }).payment_method_types).toEqual(['card']);
    const sepa = await fetch(`${h.url}/v1/payment_intents`, { method: 'POST', headers, body: 'amount=500&currency=eur&allowed_payment_method_types[0]=sepa_debit' });
    expect(sepa.status).toBe(400);
    expect(((await sepa.json()) as { error: { param: string } }).error.param).toBe('allowed_payment_method_types[0]');
  });
});
