import { newId } from '../../../ids.js';
import { assertChargeableAmount, readCurrency } from '../currencies.js';
import { createdFilter, listOf } from '../list.js';
import type { OperationContext } from '../operation-context.js';
import {
  assertKnownParams,
  type FormParams,
  type ParamSpec,
  readBoolean,
  readEnum,
  readInteger,
  readMetadata,
  readNullableString,
  readString,
} from '../params.js';
import { readAllowedPaymentMethodTypes } from '../payment-method-types.js';
import type { PaymentIntentRecord, PaymentMethodRecord } from '../state.js';
import { invalidParam, parameterMissing, unexpectedState } from '../stripe-error.js';
import type { StripeList, StripePaymentIntent } from '../stripe-objects.js';
import { completeAuthentication, confirmWith } from './payment-attempt.js';
import { assertPaymentMethodExists, assertUsableFor, clientSecret, resolvePaymentMethod } from './payment-methods.js';

const CREATE_PARAMS: ParamSpec = {
  amount: true,
  currency: true,
  customer: true,
  payment_method: true,
  payment_method_types: true,
  allowed_payment_method_types: true,
  excluded_payment_method_types: true,
  use_stripe_sdk: true,
  confirm: true,
  off_session: true,
  metadata: true,
  description: true,
  receipt_email: true,
  setup_future_usage: true,
  statement_descriptor: true,
  statement_descriptor_suffix: true,
  capture_method: true,
  confirmation_method: true,
  return_url: true,
  error_on_requires_action: true,
};

const CONFIRM_PARAMS: ParamSpec = {
  allowed_payment_method_types: true,
  payment_method: true,
  off_session: true,
  return_url: true,
  setup_future_usage: true,
  receipt_email: true,
  error_on_requires_action: true,
  use_stripe_sdk: true,
};

const FUTURE_USAGE = ['off_session', 'on_session'] as const;

/** `off_session` is a boolean or, in Stripe's older form, `one_off` / `recurring` (both true). */
function readOffSession(params: FormParams): boolean | undefined {
  const value = readString(params, 'off_session');
  if (value === 'one_off' || value === 'recurring') return true;
  return readBoolean(params, 'off_session');
}

/**
 * Checks the `payment_method` parameter for a PaymentIntent before anything is written: it must
 * exist (or be a test token) and be usable for the customer.
 */
function checkPaymentMethod(ctx: OperationContext, id: string, customerId: string | null, paymentIntentId: string): void {
  assertPaymentMethodExists(ctx, id, 'payment_method');
  const existing = ctx.state.paymentMethods.get(id);
  if (existing) assertUsableFor(existing, customerId, paymentIntentId);
}

function missingPaymentMethod(customerId: string | null): never {
  throw unexpectedState(
    'payment_intent_unexpected_state',
    customerId === null
      ? "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method."
      : `You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with ${customerId}, specify a payment method attached to this customer along with the customer ID.`,
  );
}

export function createPaymentIntent(ctx: OperationContext, params: FormParams): StripePaymentIntent {
  assertKnownParams(params, CREATE_PARAMS);
  const amount = readInteger(params, 'amount');
  if (amount === undefined) throw parameterMissing('amount');
  if (amount < 1) throw invalidParam('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
  const currencyParam = readString(params, 'currency');
  if (!currencyParam) throw parameterMissing('currency');
  const currency = readCurrency(currencyParam);
  assertChargeableAmount(amount, currency);
  const customerId = readString(params, 'customer') || null;
  if (customerId !== null) ctx.state.customer(customerId, 'customer');
  const paymentMethodTypes = readAllowedPaymentMethodTypes(params);
  const confirm = readBoolean(params, 'confirm') ?? false;
  const offSession = readOffSession(params);
  if (offSession !== undefined && !confirm) {
    throw invalidParam('The parameter `off_session` can only be used when `confirm=true`.', 'off_session');
  }
  if (readEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual']) === 'manual') {
    throw invalidParam('The sandbox captures automatically; capture_method=manual is not supported.', 'capture_method');
  }
  const setupFutureUsage = readEnum(params, 'setup_future_usage', FUTURE_USAGE) ?? null;
  const metadata = readMetadata(params) ?? {};
  const id = newId('pi');
  const paymentMethodParam = readString(params, 'payment_method') || null;
  if (paymentMethodParam !== null) checkPaymentMethod(ctx, paymentMethodParam, customerId, id);
  if (confirm && paymentMethodParam === null) missingPaymentMethod(customerId);
  const method = paymentMethodParam === null ? null : resolvePaymentMethod(ctx, paymentMethodParam, 'payment_method');
  const pi: StripePaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: paymentMethodTypes.explicit ? paymentMethodTypes.types : null,
    amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: clientSecret(id),
    confirmation_method: 'automatic',
    created: ctx.now(),
    currency,
    customer: customerId,
    customer_account: null,
    description: readNullableString(params, 'description') ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: method?.object.id ?? null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: paymentMethodTypes.types,
    payment_record: null,
    processing: null,
    receipt_email: readNullableString(params, 'receipt_email') ?? null,
    review: null,
    setup_future_usage: setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: readNullableString(params, 'statement_descriptor') ?? null,
    statement_descriptor_suffix: readNullableString(params, 'statement_descriptor_suffix') ?? null,
    status: method === null ? 'requires_payment_method' : 'requires_confirmation',
    transfer_data: null,
    transfer_group: null,
  };
  const intent: PaymentIntentRecord = { object: pi, offSession: false };
  ctx.state.paymentIntents.set(id, intent);
  ctx.emit('payment_intent.created', pi);
  if (confirm && method !== null) confirmWith(ctx, intent, method, offSession ?? false);
  return pi;
}

export function retrievePaymentIntent(ctx: OperationContext, id: string): StripePaymentIntent {
  return ctx.state.paymentIntent(id).object;
}

const UPDATE_PARAMS: ParamSpec = {
  amount: true,
  currency: true,
  customer: true,
  description: true,
  metadata: true,
  payment_method: true,
  receipt_email: true,
  setup_future_usage: true,
  statement_descriptor: true,
  statement_descriptor_suffix: true,
};

/** Stripe lets the payment itself change only while the PaymentIntent is still unpaid. */
const PAYMENT_CHANGEABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export function updatePaymentIntent(ctx: OperationContext, id: string, params: FormParams): StripePaymentIntent {
  assertKnownParams(params, UPDATE_PARAMS);
  const pi = ctx.state.paymentIntent(id).object;
  const metadata = readMetadata(params, pi.metadata);
  const amount = readInteger(params, 'amount');
  const currencyParam = readString(params, 'currency');
  const currency = currencyParam ? readCurrency(currencyParam) : undefined;
  const customerId = readString(params, 'customer');
  const paymentMethodParam = readString(params, 'payment_method') || undefined;
  const setupFutureUsage = readEnum(params, 'setup_future_usage', FUTURE_USAGE);
  const changesPayment = [amount, currency, customerId, paymentMethodParam, setupFutureUsage].some((v) => v !== undefined);
  if (amount !== undefined && amount < 1) throw invalidParam('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
  if (amount !== undefined || currency !== undefined) assertChargeableAmount(amount ?? pi.amount, currency ?? pi.currency);
  if (customerId) ctx.state.customer(customerId, 'customer');
  if (paymentMethodParam !== undefined) checkPaymentMethod(ctx, paymentMethodParam, customerId ?? pi.customer, pi.id);
  if (changesPayment && !PAYMENT_CHANGEABLE.includes(pi.status)) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `You cannot update the payment of this PaymentIntent because it has a status of ${pi.status}. Only metadata, description and receipt_email can change now.`,
    );
  }
  if (amount !== undefined) pi.amount = amount;
  if (currency !== undefined) pi.currency = currency;
  if (customerId !== undefined) pi.customer = customerId || null;
  if (setupFutureUsage !== undefined) pi.setup_future_usage = setupFutureUsage;
  if (paymentMethodParam !== undefined) pi.payment_method = resolvePaymentMethod(ctx, paymentMethodParam, 'payment_method').object.id;
  if (changesPayment) {
    // Changing what is paid, or with what, needs a new confirmation.
    pi.status = pi.payment_method === null ? 'requires_payment_method' : 'requires_confirmation';
    pi.next_action = null;
  }
  if (metadata !== undefined) pi.metadata = metadata;
  const description = readNullableString(params, 'description');
  if (description !== undefined) pi.description = description;
  const receiptEmail = readNullableString(params, 'receipt_email');
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail;
  const statementDescriptor = readNullableString(params, 'statement_descriptor');
  if (statementDescriptor !== undefined) pi.statement_descriptor = statementDescriptor;
  const suffix = readNullableString(params, 'statement_descriptor_suffix');
  if (suffix !== undefined) pi.statement_descriptor_suffix = suffix;
  return pi;
}

export function confirmPaymentIntent(ctx: OperationContext, id: string, params: FormParams): StripePaymentIntent {
  assertKnownParams(params, CONFIRM_PARAMS);
  const intent = ctx.state.paymentIntent(id);
  const pi = intent.object;
  const offSession = readOffSession(params) ?? false;
  const setupFutureUsage = readEnum(params, 'setup_future_usage', FUTURE_USAGE);
  const paymentMethodParam = readString(params, 'payment_method') || null;
  if (paymentMethodParam !== null) checkPaymentMethod(ctx, paymentMethodParam, pi.customer, pi.id);
  if (pi.status === 'succeeded') {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.',
    );
  }
  if (pi.status === 'canceled' || pi.status === 'processing' || pi.status === 'requires_capture') {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.`,
    );
  }
  const current = pi.payment_method;
  if (paymentMethodParam === null && current === null) missingPaymentMethod(pi.customer);
  const method: PaymentMethodRecord =
    paymentMethodParam !== null
      ? resolvePaymentMethod(ctx, paymentMethodParam, 'payment_method')
      : ctx.state.paymentMethod(current ?? '', 'payment_method');
  if (setupFutureUsage !== undefined) pi.setup_future_usage = setupFutureUsage;
  const receiptEmail = readNullableString(params, 'receipt_email');
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail;
  confirmWith(ctx, intent, method, offSession);
  return pi;
}

const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

export function cancelPaymentIntent(ctx: OperationContext, id: string, params: FormParams): StripePaymentIntent {
  assertKnownParams(params, { cancellation_reason: true });
  const reason = readEnum(params, 'cancellation_reason', ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']) ?? null;
  const pi = ctx.state.paymentIntent(id).object;
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  pi.status = 'canceled';
  pi.canceled_at = ctx.now();
  pi.cancellation_reason = reason;
  pi.next_action = null;
  ctx.emit('payment_intent.canceled', pi);
  return pi;
}

export function listPaymentIntents(ctx: OperationContext, params: FormParams): StripeList<StripePaymentIntent> {
  assertKnownParams(params, { customer: true, limit: true, starting_after: true, ending_before: true, created: true });
  const customer = readString(params, 'customer');
  const created = createdFilter(params);
  const intents = [...ctx.state.paymentIntents.values()].map((r) => r.object).filter((pi) => (customer === undefined || pi.customer === customer) && created(pi.created));
  return listOf(intents, '/v1/payment_intents', params, readInteger(params, 'limit'));
}

/** Sandbox-only: the customer completes (or fails) 3-D Secure for a PaymentIntent. */
export function authenticatePaymentIntent(ctx: OperationContext, id: string, outcome: 'succeed' | 'fail'): StripePaymentIntent {
  const intent = ctx.state.paymentIntent(id);
  completeAuthentication(ctx, intent, outcome);
  return intent.object;
}
