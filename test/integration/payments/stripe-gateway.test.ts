import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { money } from '../../../src/domain/index.js';
import { GatewayRequestError, PaymentMethodRejectedError, RetryableGatewayError, type ChargeOutcome, type ChargeRequest } from '../../../src/payments/gateway.js';
import { customerWithCard, startSandbox, type SandboxHarness } from '../../support/stripe-sandbox.js';

// The production gateway, through the real Stripe SDK over HTTP, against the local sandbox.
let harness: SandboxHarness;
beforeAll(async () => {
  harness = await startSandbox({ seed: 7 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.reset();
});

let invoiceCounter = 0;
function chargeRequest(gatewayCustomerId: string, overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  invoiceCounter += 1;
  return {
    tenantId: 'ten_test',
    invoiceId: `inv_test_${invoiceCounter}`,
    subscriptionId: 'sub_test_1',
    attempt: 1,
    amount: money(2_000, 'USD'), // $20.00
    gatewayCustomerId,
    ...overrides,
  };
}

/**
 * Charges a fresh customer with a Stripe test payment method passed directly on the
 * PaymentIntent, as Stripe allows: most declining test cards are already refused when attached
 * to a customer (Stripe checks the card then), which is what pm_card_chargeCustomerFail is for.
 */
async function chargeWithCard(testPaymentMethod: string): Promise<ChargeOutcome> {
  const { gatewayCustomerId } = await harness.gateway.createCustomer({ tenantId: 'ten_test', customerId: `cus_${testPaymentMethod}_${invoiceCounter}` });
  return harness.gateway.chargeInvoice(chargeRequest(gatewayCustomerId, { paymentMethodId: testPaymentMethod }));
}

describe('charging an invoice with each Stripe test payment method', () => {
  it.each([['pm_card_visa'], ['pm_card_mastercard'], ['pm_card_amex']])('%s succeeds', async (pm) => {
    const outcome = await chargeWithCard(pm);
    expect(outcome).toMatchObject({ status: 'succeeded', idempotencyKey: expect.stringMatching(/^invoice:inv_test_\d+:attempt:1$/) as unknown });
    if (outcome.status !== 'succeeded') throw new Error('unreachable');
    expect(outcome.paymentIntentId).toMatch(/^pi_/);
    expect(outcome.chargeId).toMatch(/^ch_/);
  });

  // Soft declines are worth retrying later; hard ones (lost, stolen, fraud, expired) never are.
  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', false],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', false],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error', false],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc', false],
    ['pm_card_chargeDeclinedVelocityLimitExceeded', 'card_declined', 'card_velocity_exceeded', false],
    ['pm_card_chargeDeclinedLostCard', 'card_declined', 'lost_card', true],
    ['pm_card_chargeDeclinedStolenCard', 'card_declined', 'stolen_card', true],
    ['pm_card_chargeDeclinedFraudulent', 'card_declined', 'fraudulent', true],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', true],
  ])('%s is declined with %s / %s (hard: %s)', async (pm, code, declineCode, hard) => {
    const outcome = await chargeWithCard(pm);
    expect(outcome).toMatchObject({ status: 'declined', code, declineCode, hardDecline: hard });
    if (outcome.status !== 'declined') throw new Error('unreachable');
    expect(outcome.paymentIntentId).toMatch(/^pi_/);
    expect(outcome.message.length).toBeGreaterThan(0);
  });

  it('pm_card_chargeCustomerFail attaches as the default method, then every charge is declined', async () => {
    const customer = await customerWithCard(harness, 'pm_card_chargeCustomerFail');
    expect(await harness.gateway.chargeInvoice(chargeRequest(customer))).toMatchObject({ status: 'declined', code: 'card_declined', declineCode: 'generic_decline', hardDecline: false });
  });

  it('a card refused while being saved is a typed rejection, not a bug', async () => {
    const { gatewayCustomerId } = await harness.gateway.createCustomer({ tenantId: 'ten_test', customerId: 'cus_bad_card' });
    const attempt = harness.gateway.setDefaultPaymentMethod({ gatewayCustomerId, paymentMethodId: 'pm_card_chargeDeclinedStolenCard' });
    await expect(attempt).rejects.toBeInstanceOf(PaymentMethodRejectedError);
    await expect(attempt).rejects.toMatchObject({ declineCode: 'stolen_card' });
  });

  it('pm_card_authenticationRequired needs the customer to authenticate (the invoice stays open)', async () => {
    const outcome = await chargeWithCard('pm_card_authenticationRequired');
    expect(outcome).toMatchObject({ status: 'requires_action' });
    if (outcome.status !== 'requires_action') throw new Error('unreachable');
    expect(outcome.clientSecret).toMatch(new RegExp(`^${outcome.paymentIntentId}_secret_`));
    expect(harness.sandbox.successfulChargesFor('invoice_id', `inv_test_${invoiceCounter}`)).toHaveLength(0);
    await harness.sandbox.authenticatePaymentIntent(outcome.paymentIntentId);
    const state = await harness.gateway.getPayment(outcome.paymentIntentId);
    expect(state.status).toBe('succeeded');
    expect(state.amount).toEqual(money(2_000, 'USD'));
  });

  it('a customer without a default payment method is reported, not charged', async () => {
    const { gatewayCustomerId } = await harness.gateway.createCustomer({ tenantId: 'ten_test', customerId: 'cus_no_pm' });
    expect(await harness.gateway.chargeInvoice(chargeRequest(gatewayCustomerId))).toEqual({
      status: 'no_payment_method',
      idempotencyKey: `invoice:inv_test_${invoiceCounter}:attempt:1`,
    });
    expect(harness.sandbox.ledger()).toEqual([]);
  });
});

describe('idempotency: one successful charge per invoice whatever fails in between', () => {
  it('a charge retried after the connection dropped (charge recorded at Stripe) succeeds once', async () => {
    const customer = await customerWithCard(harness, 'pm_card_visa');
    const request = chargeRequest(customer);
    // Twice: stripe-node retries a reset connection once by itself, even with maxNetworkRetries 0.
    harness.sandbox.failNext('drop_after_commit', '/v1/payment_intents', 2);
    await expect(harness.gateway.chargeInvoice(request)).rejects.toBeInstanceOf(RetryableGatewayError);
    // Stripe did charge; our side does not know yet. The retry (same invoice, same attempt) must
    // find that charge, not make another.
    expect(harness.sandbox.successfulChargesFor('invoice_id', request.invoiceId)).toHaveLength(1);
    const retried = await harness.gateway.chargeInvoice(request);
    expect(retried.status).toBe('succeeded');
    expect(harness.sandbox.successfulChargesFor('invoice_id', request.invoiceId)).toHaveLength(1);
    if (retried.status === 'succeeded') {
      expect(harness.sandbox.successfulChargesFor('invoice_id', request.invoiceId)[0]?.paymentIntentId).toBe(retried.paymentIntentId);
    }
  });

  it('rate limits and Stripe 5xx are retryable and charge nothing', async () => {
    const customer = await customerWithCard(harness, 'pm_card_visa');
    const request = chargeRequest(customer);
    harness.sandbox.failNext('rate_limit', '/v1/payment_intents');
    await expect(harness.gateway.chargeInvoice(request)).rejects.toBeInstanceOf(RetryableGatewayError);
    harness.sandbox.failNext('server_error', '/v1/payment_intents');
    await expect(harness.gateway.chargeInvoice(request)).rejects.toBeInstanceOf(RetryableGatewayError);
    expect(harness.sandbox.ledger()).toEqual([]);
    expect((await harness.gateway.chargeInvoice(request)).status).toBe('succeeded');
    expect(harness.sandbox.successfulChargesFor('invoice_id', request.invoiceId)).toHaveLength(1);
  });

  it('a declined attempt replays as the same decline; the next attempt is a new charge', async () => {
    const customer = await customerWithCard(harness, 'pm_card_chargeCustomerFail');
    const request = chargeRequest(customer);
    const first = await harness.gateway.chargeInvoice(request);
    const replay = await harness.gateway.chargeInvoice(request);
    expect(replay).toEqual(first);
    expect(harness.sandbox.ledger()).toHaveLength(1);
    await harness.gateway.chargeInvoice({ ...request, attempt: 2 });
    expect(harness.sandbox.ledger()).toHaveLength(2);
  });

  it('the same idempotency key with different parameters is refused as a bug, charging nothing more', async () => {
    const customer = await customerWithCard(harness, 'pm_card_visa');
    const request = chargeRequest(customer);
    await harness.gateway.chargeInvoice(request);
    const changed = harness.gateway.chargeInvoice({ ...request, amount: money(2_500, 'USD') });
    await expect(changed).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(changed).rejects.toThrow(/idempotent requests can only be used with the same parameters/);
    expect(harness.sandbox.successfulChargesFor('invoice_id', request.invoiceId)).toHaveLength(1);
  });

  it('200 invoices charged through 20% injected faults end with exactly one successful charge each', async () => {
    const customer = await customerWithCard(harness, 'pm_card_visa');
    harness.sandbox.setFaults({ rateLimitRate: 0.07, serverErrorRate: 0.07, dropAfterCommitRate: 0.06, paths: ['/v1/payment_intents'] });
    let thrown = 0;
    const invoices: string[] = [];
    for (let i = 0; i < 200; i++) {
      const request = chargeRequest(customer, { amount: money(1_000 + i, 'USD') });
      invoices.push(request.invoiceId);
      // What Temporal does with a retryable activity failure: run it again, same arguments.
      for (let attempt = 0; ; attempt++) {
        try {
          expect((await harness.gateway.chargeInvoice(request)).status).toBe('succeeded');
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(RetryableGatewayError);
          thrown += 1;
          if (attempt > 30) throw error;
        }
      }
    }
    harness.sandbox.setFaults({});
    // ~20% of 200+ requests failed: the faults really happened.
    expect(thrown).toBeGreaterThan(20);
    for (const [index, invoiceId] of invoices.entries()) {
      const charges = harness.sandbox.successfulChargesFor('invoice_id', invoiceId);
      expect(charges).toHaveLength(1);
      expect(charges[0]?.amount).toBe(1_000 + index);
    }
    expect(harness.sandbox.ledger().filter((c) => c.status === 'succeeded')).toHaveLength(200);
  });

  it('the SDK\'s own network retries compose with ours: still one charge', async () => {
    const retrying = await startSandbox({ seed: 11 }, 3);
    try {
      const customer = await customerWithCard(retrying, 'pm_card_visa');
      const request = chargeRequest(customer);
      retrying.sandbox.failNext('drop_after_commit', '/v1/payment_intents');
      expect((await retrying.gateway.chargeInvoice(request)).status).toBe('succeeded');
      expect(retrying.sandbox.successfulChargesFor('invoice_id', request.invoiceId)).toHaveLength(1);
    } finally {
      await retrying.close();
    }
  });
});

describe('customers, payment methods and refunds', () => {
  it('sets up a payment method with a client secret, then charges it by default', async () => {
    const { gatewayCustomerId } = await harness.gateway.createCustomer({ tenantId: 'ten_test', customerId: 'cus_setup', email: 'a@example.com', name: 'Ada' });
    const setup = await harness.gateway.createPaymentMethodSetup({ tenantId: 'ten_test', customerId: 'cus_setup', gatewayCustomerId, setupRequestId: 'setup_1' });
    expect(setup.clientSecret).toMatch(new RegExp(`^${setup.setupIntentId}_secret_`));
    // The browser confirms the SetupIntent with the card the customer typed in.
    const confirmed = await harness.stripe.setupIntents.confirm(setup.setupIntentId, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    const paymentMethodId = typeof confirmed.payment_method === 'string' ? confirmed.payment_method : (confirmed.payment_method?.id ?? '');
    expect(paymentMethodId).toMatch(/^pm_/);
    const method = await harness.gateway.setDefaultPaymentMethod({ gatewayCustomerId, paymentMethodId });
    expect(method).toMatchObject({ brand: 'visa', last4: '4242' });
    expect((await harness.gateway.chargeInvoice(chargeRequest(gatewayCustomerId))).status).toBe('succeeded');
  });

  it('creating the same customer twice (a retried activity) makes one customer', async () => {
    const first = await harness.gateway.createCustomer({ tenantId: 'ten_test', customerId: 'cus_once', email: 'x@example.com' });
    const second = await harness.gateway.createCustomer({ tenantId: 'ten_test', customerId: 'cus_once', email: 'x@example.com' });
    expect(second).toEqual(first);
  });

  it('refunds part of a payment once, even when the refund is retried', async () => {
    const customer = await customerWithCard(harness, 'pm_card_visa');
    const outcome = await harness.gateway.chargeInvoice(chargeRequest(customer));
    if (outcome.status !== 'succeeded') throw new Error('charge failed');
    const refundRequest = { tenantId: 'ten_test', refundId: 'cn_1', paymentIntentId: outcome.paymentIntentId, amount: money(500, 'USD') };
    const refund = await harness.gateway.refund(refundRequest);
    expect(refund).toMatchObject({ status: 'succeeded', gatewayRefundId: expect.stringMatching(/^re_/) as unknown });
    expect(await harness.gateway.refund(refundRequest)).toEqual(refund);
    const state = await harness.gateway.getPayment(outcome.paymentIntentId);
    // $20.00 charged, $5.00 refunded once: 500 minor units refunded in total.
    expect(state.amountRefunded).toEqual(money(500, 'USD'));
    expect(state.metadata).toMatchObject({ invoice_id: `inv_test_${invoiceCounter}`, attempt: '1', tenant_id: 'ten_test' });
  });

  it('an invalid request (below Stripe\'s minimum charge) is a non-retryable bug', async () => {
    const customer = await customerWithCard(harness, 'pm_card_visa');
    // Stripe's minimum for USD is $0.50; 10 cents is refused.
    await expect(harness.gateway.chargeInvoice(chargeRequest(customer, { amount: money(10, 'USD') }))).rejects.toBeInstanceOf(GatewayRequestError);
  });
});
