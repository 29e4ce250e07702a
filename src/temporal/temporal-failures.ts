import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { failure, fromFailureWire, isFailureCode, type BillingError } from '../billing/failures.js';

/**
 * A workflow's answer, or Temporal's unavailability, in the failure vocabulary. Workflow refusals
 * carry their code as the ApplicationFailure's type and their kind in its details (see
 * FailureWire), so nothing here keeps a list of codes.
 */
export function billingErrorFromTemporal(error: unknown): BillingError | undefined {
  if (error instanceof WorkflowUpdateFailedError) {
    // A validator's refusal is the cause itself; a refusal by an activity (a price that is not
    // the tenant's, say) arrives wrapped in the ActivityFailure.
    const cause = error.cause instanceof ActivityFailure ? error.cause.cause : error.cause;
    if (cause instanceof ApplicationFailure && cause.type && (isFailureCode(cause.type) || cause.details?.length)) {
      return fromFailureWire(cause.type, cause.message, cause.details ?? undefined);
    }
    // An error nobody meant as a refusal (an activity that failed for good, say).
    if (cause instanceof ApplicationFailure) return failure('workflow_error', cause.message);
    return failure('update_rejected', cause?.message ?? error.message);
  }
  if (error instanceof WorkflowNotFoundError) {
    // The record exists (callers check it first) but its workflow is gone: it has ended.
    return failure('subscription_ended', 'The subscription has ended and accepts no more changes');
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return failure('workflow_busy', 'The subscription did not answer in time; retry with the same Idempotency-Key');
  }
  if (error instanceof ServiceError) return failure('temporal_unavailable', 'The workflow service is unavailable; retry shortly');
  return undefined;
}

/** Runs a call to Temporal; its failures come out as BillingErrors where they are refusals or unavailability. */
export async function translatingTemporalFailures<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw billingErrorFromTemporal(error) ?? error;
  }
}
