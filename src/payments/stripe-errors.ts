import Stripe from 'stripe';
import { DEFAULT_HARD_DECLINE_CODES } from '../domain/index.js';
import { GatewayRequestError, RetryableGatewayError, type ChargeOutcome } from './gateway.js';

const HARD_DECLINES = new Set(DEFAULT_HARD_DECLINE_CODES);

/**
 * Sorts a Stripe failure into what the workflow can act on:
 * - card errors are outcomes (declined, or requires_action when the bank wants 3-D Secure);
 * - rate limits, dropped connections and Stripe's 5xx are thrown as retryable, and the retry
 *   reuses the idempotency key;
 * - invalid requests, authentication and idempotency-key misuse are thrown as non-retryable bugs.
 */
export function chargeOutcomeFromError(error: unknown, idempotencyKey: string): Extract<ChargeOutcome, { status: 'declined' | 'requires_action' }> {
  if (error instanceof Stripe.errors.StripeCardError) {
    const paymentIntent = error.payment_intent ?? null;
    // Off-session payments that need 3-D Secure fail with `authentication_required`: the invoice
    // stays open until the customer authenticates on-session (Stripe's recommended recovery).
    if (error.code === 'authentication_required' || error.decline_code === 'authentication_required') {
      if (paymentIntent) {
        return { status: 'requires_action', paymentIntentId: paymentIntent.id, clientSecret: paymentIntent.client_secret, idempotencyKey };
      }
    }
    const code = error.code ?? 'card_declined';
    const declineCode = error.decline_code ?? code;
    return {
      status: 'declined',
      paymentIntentId: paymentIntent?.id ?? null,
      chargeId: error.charge ?? null,
      idempotencyKey,
      code,
      declineCode,
      message: error.message,
      hardDecline: HARD_DECLINES.has(declineCode) || HARD_DECLINES.has(code),
    };
  }
  throw toGatewayError(error);
}

/** Non-card failures: retryable (throw so the caller retries with the same key) or a bug. */
export function toGatewayError(error: unknown): Error {
  if (
    error instanceof Stripe.errors.StripeRateLimitError ||
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    // A concurrent request with the same key is still running at Stripe (409): try again later.
    (error instanceof Stripe.errors.StripeIdempotencyError && error.statusCode === 409) ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  ) {
    return new RetryableGatewayError(`${error.type}: ${error.message}`, { cause: error });
  }
  if (error instanceof Stripe.errors.StripeError) {
    return new GatewayRequestError(`${error.type}: ${error.message}`, error.code ?? error.rawType ?? null);
  }
  return error instanceof Error ? error : new Error(String(error));
}
