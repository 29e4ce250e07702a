import { newId } from '../../../ids.js';
import type { OperationContext } from '../operation-context.js';
import type { PaymentIntentRecord, PaymentMethodRecord } from '../state.js';
import { docUrl, unexpectedState } from '../stripe-error.js';
import type { StripeErrorObject, StripeNextAction } from '../stripe-objects.js';
import { AUTHENTICATION_REQUIRED, declineWithCode, type CardDecline } from '../test-cards.js';
import { recordCharge } from './charges.js';
import { disputeCharge } from './disputes.js';
import { cardError, cardOf } from './payment-methods.js';

/**
 * Confirms a PaymentIntent with a payment method, deciding the outcome from the card's
 * behaviour the way Stripe does. Declines throw the 402 card error Stripe answers with, after
 * the failed charge, the PaymentIntent's new state and the events have been recorded.
 */
export function confirmWith(
  ctx: OperationContext,
  intent: PaymentIntentRecord,
  method: PaymentMethodRecord,
  offSession: boolean,
): void {
  const pi = intent.object;
  intent.offSession = offSession;
  pi.payment_method = method.object.id;
  pi.last_payment_error = null;
  pi.next_action = null;
  // An unattached method is spent on this PaymentIntent and cannot pay another.
  if (method.object.customer === null) method.usedByPaymentIntent = pi.id;
  const behaviour = cardOf(method).behaviour;
  const needsAuthentication =
    behaviour.kind === 'always_authenticate' || (behaviour.kind === 'authenticate_on_setup' && !method.setupAuthenticated);
  if (!needsAuthentication) return charge(ctx, intent, method);
  if (offSession) {
    // The issuer soft-declines an off-session payment it wants authenticated: a failed charge,
    // and the customer has to come back on-session.
    const failed = recordCharge(ctx, intent, method, AUTHENTICATION_REQUIRED);
    return decline(ctx, intent, method, AUTHENTICATION_REQUIRED, failed.object.id);
  }
  pi.status = 'requires_action';
  pi.next_action = threeDSecureAction(`/_sandbox/payment_intents/${pi.id}/authenticate`);
  ctx.emit('payment_intent.requires_action', pi);
}

/**
 * The customer finished 3-D Secure. Works for a PaymentIntent waiting in requires_action and for
 * one that failed off-session with authentication_required (the customer came back on-session).
 */
export function completeAuthentication(
  ctx: OperationContext,
  intent: PaymentIntentRecord,
  outcome: 'succeed' | 'fail',
): void {
  const pi = intent.object;
  const waitingId =
    pi.status === 'requires_action'
      ? pi.payment_method
      : pi.status === 'requires_payment_method' && pi.last_payment_error?.code === AUTHENTICATION_REQUIRED.code
        ? (pi.last_payment_error.payment_method?.id ?? null)
        : null;
  if (waitingId === null) {
    throw unexpectedState(
      'payment_intent_unexpected_state',
      `PaymentIntent ${pi.id} has a status of ${pi.status}; only one that requires_action, or that failed off-session with authentication_required, can be authenticated.`,
    );
  }
  const method = ctx.state.paymentMethod(waitingId, 'payment_method');
  intent.offSession = false;
  pi.payment_method = method.object.id;
  pi.next_action = null;
  if (outcome === 'fail') return authenticationFailed(ctx, intent, method);
  // Authenticating while saving the card for later is what exempts future off-session payments.
  if (pi.setup_future_usage !== null) method.setupAuthenticated = true;
  charge(ctx, intent, method);
}

/** A decline the control API scheduled for this customer's next charge, taken (counted down) if there is one. */
function takeScheduledDecline(ctx: OperationContext, customerId: string | null): CardDecline | undefined {
  const scheduled = customerId === null ? undefined : ctx.state.chargeDeclines.get(customerId);
  if (scheduled === undefined || customerId === null) return undefined;
  if (scheduled.remaining !== null) {
    if (scheduled.remaining <= 1) ctx.state.chargeDeclines.delete(customerId);
    else ctx.state.chargeDeclines.set(customerId, { ...scheduled, remaining: scheduled.remaining - 1 });
  }
  return declineWithCode(scheduled.declineCode);
}

function charge(ctx: OperationContext, intent: PaymentIntentRecord, method: PaymentMethodRecord): void {
  const pi = intent.object;
  const scheduled = takeScheduledDecline(ctx, pi.customer);
  if (scheduled !== undefined) {
    const failed = recordCharge(ctx, intent, method, scheduled);
    return decline(ctx, intent, method, scheduled, failed.object.id);
  }
  const behaviour = cardOf(method).behaviour;
  if (behaviour.kind === 'declines' || behaviour.kind === 'declines_after_attach') {
    const failed = recordCharge(ctx, intent, method, behaviour.decline);
    return decline(ctx, intent, method, behaviour.decline, failed.object.id);
  }
  const succeeded = recordCharge(ctx, intent, method, null);
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  // setup_future_usage saves the card on the customer once the payment succeeds.
  if (pi.setup_future_usage !== null && pi.customer !== null && method.object.customer === null) {
    method.object.customer = pi.customer;
    method.usedByPaymentIntent = null;
    ctx.emit('payment_method.attached', method.object);
  }
  ctx.emit('payment_intent.succeeded', pi);
  if (behaviour.kind === 'disputes') disputeCharge(ctx, succeeded);
}

function decline(
  ctx: OperationContext,
  intent: PaymentIntentRecord,
  method: PaymentMethodRecord,
  reason: CardDecline,
  chargeId: string,
): never {
  const pi = intent.object;
  const error: StripeErrorObject = {
    type: 'card_error',
    charge: chargeId,
    code: reason.code,
    decline_code: reason.declineCode,
    doc_url: docUrl(reason.code),
    message: reason.message,
    param: reason.param ?? '',
    payment_method: structuredClone(method.object),
  };
  // A failed attempt sends the PaymentIntent back for a new payment method, as on Stripe.
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.last_payment_error = error;
  ctx.emit('payment_intent.payment_failed', pi);
  throw cardError(reason, { charge: chargeId, payment_intent: structuredClone(pi), payment_method: structuredClone(method.object) });
}

function authenticationFailed(ctx: OperationContext, intent: PaymentIntentRecord, method: PaymentMethodRecord): void {
  const pi = intent.object;
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.last_payment_error = {
    type: 'invalid_request_error',
    code: 'payment_intent_authentication_failure',
    doc_url: docUrl('payment_intent_authentication_failure'),
    message:
      'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
    payment_method: structuredClone(method.object),
  };
  ctx.emit('payment_intent.payment_failed', pi);
}

/**
 * Stripe's next_action for 3-D Secure. In the sandbox the "customer" completes it through the
 * control API path given as `stripe_js`.
 */
export function threeDSecureAction(controlPath: string): StripeNextAction {
  return { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: controlPath, source: newId('src') } };
}
