import type { OperationContext } from '../operation-context.js';
import { StripeApiError } from '../stripe-error.js';
import { declineWithCode, SCHEDULABLE_DECLINE_CODES } from '../test-cards.js';

/**
 * Schedules declines for a customer's next charges. Stripe's decline cards (pm_card_visa_chargeDeclinedInsufficientFunds…)
 * refuse to be attached, so a subscription cannot be made to fail renewal with them; this makes a
 * customer whose card works decline from now on, with the code a real issuer would send.
 */
export function scheduleDeclines(ctx: OperationContext, customerId: string, declineCode: string, count?: number): void {
  ctx.state.customer(customerId, 'customer');
  if (declineWithCode(declineCode) === undefined) {
    throw new StripeApiError(400, {
      type: 'invalid_request_error',
      code: 'parameter_invalid_string',
      param: 'decline_code',
      message: `Unknown decline code ${declineCode}; the sandbox declines with ${SCHEDULABLE_DECLINE_CODES.join(', ')}`,
    }, false);
  }
  if (count !== undefined && (!Number.isSafeInteger(count) || count < 1)) {
    throw new StripeApiError(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'count', message: 'count must be a whole number of at least 1' }, false);
  }
  ctx.state.chargeDeclines.set(customerId, { id: customerId, declineCode, remaining: count ?? null });
}
