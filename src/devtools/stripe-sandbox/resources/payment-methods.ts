import { newId, randomBase62 } from '../../../ids.js';
import type { OperationContext } from '../operation-context.js';
import { type FormParams, requireString } from '../params.js';
import type { PaymentMethodRecord } from '../state.js';
import { docUrl, invalidParam, resourceMissing, StripeApiError, unexpectedState } from '../stripe-error.js';
import type { StripePaymentMethod } from '../stripe-objects.js';
import { type CardDecline, type TestCard, testCardFor } from '../test-cards.js';

export function cardOf(record: PaymentMethodRecord): TestCard {
  const card = testCardFor(record.token);
  if (!card) throw new Error(`payment method ${record.object.id} came from an unknown token ${record.token}`);
  return card;
}

function newPaymentMethod(ctx: OperationContext, token: string, card: TestCard): PaymentMethodRecord {
  const expYear = new Date(ctx.now() * 1000).getUTCFullYear() + 3;
  const object: StripePaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: card.country,
      display_brand: card.brand === 'amex' ? 'american_express' : card.brand,
      exp_month: 12,
      exp_year: expYear,
      // Stripe's fingerprint identifies the card number, so every PaymentMethod of one test card shares it.
      fingerprint: `sbx${token.slice('pm_card_'.length, 'pm_card_'.length + 13).padEnd(13, '0')}`,
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.now(),
    customer: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
  const record: PaymentMethodRecord = { object, token, setupAuthenticated: false, usedByPaymentIntent: null, detached: false };
  ctx.state.paymentMethods.set(object.id, record);
  return record;
}

/**
 * Resolves a `payment_method` parameter. A test token (`pm_card_visa`) becomes a new PaymentMethod
 * each time it is used, as on Stripe; anything else must be an existing `pm_…` id.
 */
export function resolvePaymentMethod(ctx: OperationContext, idOrToken: string, param: string): PaymentMethodRecord {
  const existing = ctx.state.paymentMethods.get(idOrToken);
  if (existing) return existing;
  const card = testCardFor(idOrToken);
  if (!card) throw resourceMissing('PaymentMethod', idOrToken, param);
  return newPaymentMethod(ctx, idOrToken, card);
}

/** Whether a parameter names a payment method that exists or can be created, checked before any mutation. */
export function assertPaymentMethodExists(ctx: OperationContext, idOrToken: string, param: string): void {
  if (!ctx.state.paymentMethods.has(idOrToken) && !testCardFor(idOrToken)) throw resourceMissing('PaymentMethod', idOrToken, param);
}

export function cardError(decline: CardDecline, extra: Partial<StripeApiError['error']> = {}): StripeApiError {
  return new StripeApiError(
    402,
    {
      type: 'card_error',
      code: decline.code,
      decline_code: decline.declineCode,
      doc_url: docUrl(decline.code),
      message: decline.message,
      param: decline.param ?? '',
      ...extra,
    },
    true,
  );
}

const REUSE_MESSAGE =
  'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.';

/**
 * Attaches like Stripe: the card is checked with the issuer first, so a card that declines
 * charges cannot be attached (except pm_card_chargeCustomerFail, which exists for that).
 */
export function attachToCustomer(ctx: OperationContext, record: PaymentMethodRecord, customerId: string): void {
  if (record.object.customer === customerId) return;
  if (record.object.customer !== null) {
    throw unexpectedState('payment_method_unexpected_state', 'The payment method you provided has already been attached to a customer.');
  }
  if (record.detached || record.usedByPaymentIntent !== null) throw unexpectedState('payment_method_unexpected_state', REUSE_MESSAGE);
  const behaviour = cardOf(record).behaviour;
  if (behaviour.kind === 'declines') throw cardError(behaviour.decline, { payment_method: structuredClone(record.object) });
  record.object.customer = customerId;
  ctx.emit('payment_method.attached', record.object);
}

export function retrievePaymentMethod(ctx: OperationContext, id: string): StripePaymentMethod {
  return ctx.state.paymentMethod(id).object;
}

export function attachPaymentMethod(ctx: OperationContext, id: string, params: FormParams): StripePaymentMethod {
  const customerId = requireString(params, 'customer');
  if (!ctx.state.paymentMethods.has(id) && !testCardFor(id)) throw resourceMissing('PaymentMethod', id, 'payment_method');
  ctx.state.customer(customerId, 'customer');
  const record = resolvePaymentMethod(ctx, id, 'payment_method');
  attachToCustomer(ctx, record, customerId);
  return record.object;
}

export function detachPaymentMethod(ctx: OperationContext, id: string): StripePaymentMethod {
  const record = ctx.state.paymentMethod(id, 'payment_method');
  const customerId = record.object.customer;
  if (customerId === null) {
    throw unexpectedState(
      'payment_method_unexpected_state',
      'The payment method you provided is not attached to a customer so detachment is impossible.',
    );
  }
  record.object.customer = null;
  record.detached = true;
  // Stripe clears the customer's invoice default when that method is detached.
  const customer = ctx.state.customers.get(customerId);
  if (customer?.invoice_settings.default_payment_method === id) {
    customer.invoice_settings.default_payment_method = null;
    ctx.emit('customer.updated', customer, { invoice_settings: { default_payment_method: id } });
  }
  ctx.emit('payment_method.detached', record.object, { customer: customerId });
  return record.object;
}

/**
 * Checks a method may pay a PaymentIntent for `customerId`, with Stripe's refusals: a method on
 * another customer, an unattached method already spent on another PaymentIntent, a detached one.
 */
export function assertUsableFor(record: PaymentMethodRecord, customerId: string | null, paymentIntentId: string): void {
  const owner = record.object.customer;
  if (owner !== null && customerId === null) {
    throw invalidParam(
      'The provided PaymentMethod is attached to a Customer. To use it, you must also provide the Customer ID in the `customer` parameter.',
      'payment_method',
    );
  }
  if (owner !== null && owner !== customerId) {
    throw invalidParam(
      `The provided PaymentMethod belongs to a different Customer than the one provided (${customerId ?? ''}).`,
      'payment_method',
    );
  }
  if (owner === null && (record.detached || (record.usedByPaymentIntent !== null && record.usedByPaymentIntent !== paymentIntentId))) {
    throw invalidParam(
      'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
      'payment_method',
    );
  }
}

/** Client secrets are the intent id, `_secret_`, and random text. */
export function clientSecret(id: string): string {
  return `${id}_secret_${randomBase62(25)}`;
}
