import { newId } from '../../../ids.js';
import type { OperationContext } from '../operation-context.js';
import { assertKnownParams, type FormParams, readBoolean, readEnum, readMetadata, readNullableString, readString } from '../params.js';
import { readAllowedPaymentMethodTypes } from '../payment-method-types.js';
import type { PaymentMethodRecord } from '../state.js';
import { docUrl, invalidParam, StripeApiError, unexpectedState } from '../stripe-error.js';
import type { StripeSetupIntent } from '../stripe-objects.js';
import { threeDSecureAction } from './payment-attempt.js';
import { assertPaymentMethodExists, attachToCustomer, cardOf, clientSecret, resolvePaymentMethod } from './payment-methods.js';

const CREATE_PARAMS = {
  customer: true,
  payment_method: true,
  payment_method_types: true,
  allowed_payment_method_types: true,
  excluded_payment_method_types: true,
  use_stripe_sdk: true,
  usage: true,
  metadata: true,
  description: true,
  confirm: true,
  return_url: true,
} as const;

export function createSetupIntent(ctx: OperationContext, params: FormParams): StripeSetupIntent {
  assertKnownParams(params, CREATE_PARAMS);
  const customerId = readString(params, 'customer') || null;
  if (customerId !== null) ctx.state.customer(customerId, 'customer');
  const types = readAllowedPaymentMethodTypes(params);
  const usage = readEnum(params, 'usage', ['off_session', 'on_session'] as const) ?? 'off_session';
  const metadata = readMetadata(params) ?? {};
  const paymentMethodParam = readString(params, 'payment_method') || null;
  if (paymentMethodParam !== null) assertPaymentMethodExists(ctx, paymentMethodParam, 'payment_method');
  const confirm = readBoolean(params, 'confirm') ?? false;
  if (confirm && paymentMethodParam === null) throw invalidParam('A payment method is required to confirm this SetupIntent.', 'payment_method');
  const method = paymentMethodParam === null ? null : resolvePaymentMethod(ctx, paymentMethodParam, 'payment_method');
  const id = newId('seti');
  const intent: StripeSetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: types.explicit ? types.types : null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: clientSecret(id),
    created: ctx.now(),
    customer: customerId,
    description: readNullableString(params, 'description') ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: method?.object.id ?? null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: types.types,
    single_use_mandate: null,
    status: method === null ? 'requires_payment_method' : 'requires_confirmation',
    usage,
  };
  ctx.state.setupIntents.set(id, intent);
  ctx.emit('setup_intent.created', intent);
  if (confirm && method !== null) setUp(ctx, intent, method);
  return intent;
}

export function retrieveSetupIntent(ctx: OperationContext, id: string): StripeSetupIntent {
  return ctx.state.setupIntent(id);
}

export function confirmSetupIntent(ctx: OperationContext, id: string, params: FormParams): StripeSetupIntent {
  assertKnownParams(params, { payment_method: true, return_url: true, use_stripe_sdk: true, mandate_data: true });
  const intent = ctx.state.setupIntent(id);
  const paymentMethodParam = readString(params, 'payment_method') || null;
  if (paymentMethodParam !== null) assertPaymentMethodExists(ctx, paymentMethodParam, 'payment_method');
  if (intent.status === 'succeeded' || intent.status === 'canceled') {
    throw unexpectedState(
      'setup_intent_unexpected_state',
      `You cannot confirm this SetupIntent because it has a status of ${intent.status}. Only a SetupIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.`,
    );
  }
  const methodId = paymentMethodParam ?? intent.payment_method;
  if (methodId === null) {
    throw unexpectedState(
      'setup_intent_unexpected_state',
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
    );
  }
  setUp(ctx, intent, resolvePaymentMethod(ctx, methodId, 'payment_method'));
  return intent;
}

/**
 * Sets the card up like Stripe: cards that always need 3-D Secure, or need it at setup, wait in
 * requires_action; declining cards fail the card check; others are attached to the customer.
 */
function setUp(ctx: OperationContext, intent: StripeSetupIntent, method: PaymentMethodRecord): void {
  intent.payment_method = method.object.id;
  intent.last_setup_error = null;
  intent.next_action = null;
  const behaviour = cardOf(method).behaviour;
  if (behaviour.kind === 'always_authenticate' || behaviour.kind === 'authenticate_on_setup') {
    intent.status = 'requires_action';
    intent.next_action = threeDSecureAction(`/_sandbox/setup_intents/${intent.id}/authenticate`);
    ctx.emit('setup_intent.requires_action', intent);
    return;
  }
  if (behaviour.kind === 'declines') return setupFailed(ctx, intent, method);
  succeed(ctx, intent, method);
}

function succeed(ctx: OperationContext, intent: StripeSetupIntent, method: PaymentMethodRecord): void {
  if (intent.customer !== null) attachToCustomer(ctx, method, intent.customer);
  intent.status = 'succeeded';
  intent.latest_attempt = newId('setatt');
  ctx.emit('setup_intent.succeeded', intent);
}

function setupFailed(ctx: OperationContext, intent: StripeSetupIntent, method: PaymentMethodRecord): never {
  const behaviour = cardOf(method).behaviour;
  if (behaviour.kind !== 'declines') throw new Error('setupFailed is for declining cards');
  const decline = behaviour.decline;
  intent.status = 'requires_payment_method';
  intent.payment_method = null;
  intent.latest_attempt = newId('setatt');
  intent.last_setup_error = {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    doc_url: docUrl(decline.code),
    message: decline.message,
    param: decline.param ?? '',
    payment_method: structuredClone(method.object),
  };
  ctx.emit('setup_intent.setup_failed', intent);
  throw new StripeApiError(402, { ...intent.last_setup_error, setup_intent: structuredClone(intent) }, true);
}

/** Sandbox-only: the customer completes (or fails) 3-D Secure for a SetupIntent. */
export function authenticateSetupIntent(ctx: OperationContext, id: string, outcome: 'succeed' | 'fail'): StripeSetupIntent {
  const intent = ctx.state.setupIntent(id);
  if (intent.status !== 'requires_action' || intent.payment_method === null) {
    throw unexpectedState('setup_intent_unexpected_state', `SetupIntent ${id} has a status of ${intent.status}; only one that requires_action can be authenticated.`);
  }
  const method = ctx.state.paymentMethod(intent.payment_method, 'payment_method');
  intent.next_action = null;
  if (outcome === 'fail') {
    intent.status = 'requires_payment_method';
    intent.payment_method = null;
    intent.last_setup_error = {
      type: 'invalid_request_error',
      code: 'setup_intent_authentication_failure',
      doc_url: docUrl('setup_intent_authentication_failure'),
      message:
        'The latest attempt to set up the payment method has failed because authentication failed. Provide a new payment method to attempt to set up this SetupIntent again.',
      payment_method: structuredClone(method.object),
    };
    ctx.emit('setup_intent.setup_failed', intent);
    return intent;
  }
  method.setupAuthenticated = true;
  succeed(ctx, intent, method);
  return intent;
}
