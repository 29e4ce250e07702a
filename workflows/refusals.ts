import { ApplicationFailure } from '@temporalio/workflow';
import { asBillingError, failure, toFailureWire, type FailureCode } from '../src/billing/failures.js';

/**
 * A refusal from workflow code (an update validator or handler): non-retryable, typed by its code,
 * with its kind in the details, exactly as activities report theirs, so the API maps both the same
 * way. Thrown from an update it fails that update only, never the workflow.
 */
export function refuse(code: FailureCode, message: string, details: Readonly<Record<string, unknown>> = {}): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, code, toFailureWire(failure(code, message, details)));
}

/** A billing or domain refusal raised inside workflow code, as a refusal; anything else unchanged. */
export function asRefusal(error: unknown): unknown {
  const refusal = asBillingError(error);
  return refusal === undefined ? error : ApplicationFailure.nonRetryable(refusal.message, refusal.code, toFailureWire(refusal));
}
