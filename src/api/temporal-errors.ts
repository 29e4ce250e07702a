import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ApiError } from './errors.js';

/**
 * Refusals that depend on the subscription's current state rather than on the request: asking
 * again later (or after another change) may succeed, so they are 409 Conflict. Every other
 * refusal by a workflow validator is about the request itself: 422.
 */
const STATE_CONFLICTS = new Set([
  'subscription_canceled',
  'subscription_not_pausable',
  'subscription_not_paused',
  'subscription_paused',
  'change_in_progress',
  'change_pending_payment',
  'invoice_not_collectible',
  'invoice_not_open',
]);

/** A workflow's answer or Temporal's unavailability, as the API's error shape. */
export function temporalErrorResponse(error: unknown): ApiError | undefined {
  if (error instanceof WorkflowUpdateFailedError) {
    // A validator's refusal is the cause itself; a refusal by an activity (a price that is not
    // the tenant's, say) arrives wrapped in the ActivityFailure.
    const cause = error.cause instanceof ActivityFailure ? error.cause.cause : error.cause;
    if (cause instanceof ApplicationFailure) {
      const code = cause.type ?? 'update_rejected';
      const status = code.endsWith('_not_found') ? 404 : STATE_CONFLICTS.has(code) ? 409 : 422;
      const details = Array.isArray(cause.details) && cause.details.length > 0 ? cause.details : [{ reason: cause.message }];
      return new ApiError(status, code, cause.message, details);
    }
    return new ApiError(422, 'update_rejected', cause?.message ?? error.message);
  }
  if (error instanceof WorkflowNotFoundError) {
    // The record exists (handlers check it first) but its workflow is gone: it has ended.
    return new ApiError(409, 'subscription_ended', 'The subscription has ended and accepts no more changes');
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(503, 'workflow_busy', 'The subscription did not answer in time; retry with the same Idempotency-Key', [], { 'Retry-After': '2' });
  }
  if (error instanceof ServiceError) {
    return new ApiError(503, 'temporal_unavailable', 'The workflow service is unavailable; retry shortly', [], { 'Retry-After': '5' });
  }
  return undefined;
}
