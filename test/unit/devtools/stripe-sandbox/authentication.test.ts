import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 3 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

const eventTypes = (): string[] => h.sandbox.events().map((e) => e.type);

describe('3-D Secure on PaymentIntents', () => {
  it('on-session: requires_action with use_stripe_sdk, then authenticatePaymentIntent charges it (payment_intent.succeeded)', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1500, currency: 'eur', payment_method: 'pm_card_authenticationRequired', confirm: true });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    expect(pi.latest_charge).toBeNull();
    expect(h.sandbox.ledger()).toHaveLength(0);
    expect(eventTypes()).toContain('payment_intent.requires_action');

    await h.sandbox.authenticatePaymentIntent(pi.id);
    const done = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(done).toMatchObject({ status: 'succeeded', next_action: null, amount_received: 1500 });
    expect(h.sandbox.ledger()).toMatchObject([{ status: 'succeeded', paymentIntentId: pi.id, idempotencyKey: null }]);
    expect(eventTypes().slice(-2)).toEqual(['charge.succeeded', 'payment_intent.succeeded']);
  });

  it('off-session: 402 authentication_required, a failed charge, then the customer authenticates on-session', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer: customer.id });
    const error = await stripeError(() =>
      h.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', customer: customer.id, payment_method: pm.id, confirm: true, off_session: true }),
    );
    expect(error).toMatchObject({
      statusCode: 402,
      code: 'authentication_required',
      decline_code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
    });
    expect(error.payment_intent?.status).toBe('requires_payment_method');
    expect(eventTypes()).toContain('payment_intent.payment_failed');
    expect(h.sandbox.ledger()).toMatchObject([{ status: 'failed', failureCode: 'authentication_required' }]);

    await h.sandbox.authenticatePaymentIntent(error.payment_intent?.id ?? '');
    const recovered = await h.stripe.paymentIntents.retrieve(error.payment_intent?.id ?? '');
    expect(recovered).toMatchObject({ status: 'succeeded', payment_method: pm.id });
    expect(h.sandbox.ledger().map((c) => c.status)).toEqual(['failed', 'succeeded']);
  });

  it('a failed authentication leaves the PaymentIntent needing a new payment method (payment_intent.payment_failed)', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true });
    await h.sandbox.authenticatePaymentIntent(pi.id, 'fail');
    const failed = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');
    expect(eventTypes().at(-1)).toBe('payment_intent.payment_failed');
    expect(h.sandbox.ledger()).toHaveLength(0);
  });

  it('authenticating a PaymentIntent that is not waiting for it is refused', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await expect(h.sandbox.authenticatePaymentIntent(pi.id)).rejects.toThrow(/status of succeeded/);
  });
});

describe('SetupIntents', () => {
  it('pm_card_visa: created requires_payment_method, confirmed succeeded, attached, setup_intent.succeeded', async () => {
    const customer = await h.stripe.customers.create({});
    const si = await h.stripe.setupIntents.create({ customer: customer.id, allowed_payment_method_types: ['card'], usage: 'off_session' });
    expect(si).toMatchObject({ object: 'setup_intent', status: 'requires_payment_method', usage: 'off_session' });
    expect(si.client_secret).toMatch(new RegExp(`^${si.id}_secret_\\w+$`));
    const confirmed = await h.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    const pmId = confirmed.payment_method as string;
    expect((await h.stripe.paymentMethods.retrieve(pmId)).customer).toBe(customer.id);
    expect(eventTypes()).toContain('setup_intent.succeeded');
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pmId } });
    expect((await h.stripe.customers.retrieve(customer.id, { expand: ['invoice_settings.default_payment_method'] })) as unknown).toMatchObject({
      invoice_settings: { default_payment_method: { id: pmId, card: { last4: '4242' } } },
    });
  });

  it('pm_card_authenticationRequiredOnSetup: requires_action until authenticated, then off-session charges succeed', async () => {
    const customer = await h.stripe.customers.create({});
    const si = await h.stripe.setupIntents.create({ customer: customer.id });
    const pending = await h.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_authenticationRequiredOnSetup' });
    expect(pending.status).toBe('requires_action');
    expect(pending.next_action?.type).toBe('use_stripe_sdk');
    const pmId = pending.payment_method as string;
    expect((await h.stripe.paymentMethods.retrieve(pmId)).customer).toBeNull();

    await h.sandbox.authenticateSetupIntent(si.id);
    expect((await h.stripe.setupIntents.retrieve(si.id)).status).toBe('succeeded');
    const pi = await h.stripe.paymentIntents.create({ amount: 900, currency: 'usd', customer: customer.id, payment_method: pmId, confirm: true, off_session: true });
    expect(pi.status).toBe('succeeded');
  });

  it('the same card charged off-session without that setup needs authentication', async () => {
    const error = await stripeError(() =>
      h.stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_authenticationRequiredOnSetup', confirm: true, off_session: true }),
    );
    expect(error.code).toBe('authentication_required');
  });

  it('a declining card fails the setup with the card error and setup_intent.setup_failed', async () => {
    const customer = await h.stripe.customers.create({});
    const si = await h.stripe.setupIntents.create({ customer: customer.id });
    const error = await stripeError(() => h.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_chargeDeclinedStolenCard' }));
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'stolen_card' });
    expect(error.setup_intent?.status).toBe('requires_payment_method');
    expect(eventTypes()).toContain('setup_intent.setup_failed');
  });
});
