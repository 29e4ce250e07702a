import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 1 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

const charge = (paymentMethod: string) =>
  h.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: paymentMethod, confirm: true });

// Stripe's documented outcomes: https://docs.stripe.com/testing#declined-payments
const DECLINES = [
  ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
  ['pm_card_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'Your card was declined.'],
  ['pm_card_chargeDeclinedStolenCard', 'card_declined', 'stolen_card', 'Your card was declined.'],
  ['pm_card_chargeDeclinedFraudulent', 'card_declined', 'fraudulent', 'Your card was declined.'],
  ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
  ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."],
  [
    'pm_card_chargeDeclinedProcessingError',
    'processing_error',
    'processing_error',
    'An error occurred while processing your card. Try again in a little bit.',
  ],
  [
    'pm_card_chargeDeclinedVelocityLimitExceeded',
    'card_declined',
    'card_velocity_exceeded',
    'Your card was declined for making repeated attempts too frequently or exceeding its amount limit.',
  ],
  ['pm_card_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'Your card was declined.'],
] as const;

describe('test payment methods give Stripe’s documented outcomes', () => {
  it.each(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex'])('%s succeeds', async (token) => {
    const pi = await charge(token);
    expect(pi.status).toBe('succeeded');
    expect(pi.payment_method).toMatch(/^pm_(?!card_)/);
    expect(h.sandbox.ledger()).toMatchObject([{ status: 'succeeded', paymentIntentId: pi.id, amount: 2000, currency: 'usd' }]);
  });

  it.each(DECLINES)('%s declines with %s / %s', async (token, code, declineCode, message) => {
    const error = await stripeError(() => charge(token));
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, rawType: 'card_error', code, decline_code: declineCode, message });
    expect(error.headers?.['stripe-should-retry']).toBe('false');
    expect(error.charge).toMatch(/^ch_/);
    const pi = error.payment_intent;
    expect(pi).toMatchObject({ status: 'requires_payment_method', payment_method: null, latest_charge: error.charge });
    expect(pi?.last_payment_error).toMatchObject({ type: 'card_error', code, decline_code: declineCode, charge: error.charge });
    expect(error.payment_method?.card?.last4).toMatch(/^\d{4}$/);
    const [ledgerCharge] = h.sandbox.ledger();
    expect(ledgerCharge).toMatchObject({ id: error.charge, status: 'failed', failureCode: code, declineCode });
    const stored = await h.stripe.paymentIntents.retrieve(pi?.id ?? '');
    expect(stored.status).toBe('requires_payment_method');
    expect(h.sandbox.events().map((e) => e.type)).toEqual(['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);
  });

  it('attaching a test token creates a new PaymentMethod carrying the card details', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.id).not.toBe('pm_card_visa');
    expect(pm).toMatchObject({ object: 'payment_method', type: 'card', customer: customer.id });
    expect(pm.card).toMatchObject({ brand: 'visa', last4: '4242', funding: 'credit', country: 'US' });
    expect(pm.card?.exp_year).toBeGreaterThan(new Date().getUTCFullYear());
    const again = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(again.id).not.toBe(pm.id);
    const list = await h.stripe.customers.listPaymentMethods(customer.id);
    expect(list.data.map((p) => p.id).sort()).toEqual([pm.id, again.id].sort());
  });

  it('a declining card cannot be attached, as on Stripe; pm_card_chargeCustomerFail attaches and then declines', async () => {
    const customer = await h.stripe.customers.create({});
    const refused = await stripeError(() => h.stripe.paymentMethods.attach('pm_card_chargeDeclinedInsufficientFunds', { customer: customer.id }));
    expect(refused).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds' });
    expect((await h.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(0);

    const pm = await h.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const declined = await stripeError(() =>
      h.stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: customer.id, payment_method: pm.id, confirm: true, off_session: true }),
    );
    expect(declined).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('pm_card_createDispute succeeds and then opens a dispute (charge.dispute.created)', async () => {
    const pi = await charge('pm_card_createDispute');
    expect(pi.status).toBe('succeeded');
    const dispute = h.sandbox.events().find((e) => e.type === 'charge.dispute.created');
    expect(dispute?.data.object).toMatchObject({ object: 'dispute', charge: pi.latest_charge, amount: 2000, status: 'needs_response' });
    expect(h.sandbox.ledger()).toMatchObject([{ status: 'succeeded', disputed: true }]);
  });

  it('disputeCharge disputes any successful charge', async () => {
    const pi = await charge('pm_card_visa');
    await h.sandbox.disputeCharge(pi.latest_charge as string);
    expect((await h.stripe.charges.retrieve(pi.latest_charge as string)).disputed).toBe(true);
    expect(h.sandbox.events().at(-1)).toMatchObject({ type: 'charge.dispute.created', request: { id: null, idempotency_key: null } });
  });

  it('a test token used directly becomes a one-time PaymentMethod that cannot pay a second PaymentIntent', async () => {
    const pi = await charge('pm_card_visa');
    const error = await stripeError(() =>
      h.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: pi.payment_method as string, confirm: true }),
    );
    expect(error).toMatchObject({ statusCode: 400, rawType: 'invalid_request_error', param: 'payment_method' });
    expect(h.sandbox.ledger()).toHaveLength(1);
  });
});
