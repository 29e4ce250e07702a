import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
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

/**
 * An update's failure as its caller should see it. A refusal, or a Temporal failure (an activity
 * that failed for good), fails the update as it is; anything else (a bug in workflow code)
 * becomes `workflow_error` instead of failing the workflow task, which would retry forever.
 */
export async function asUpdateFailure<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof TemporalFailure) throw error;
    const refusal = asRefusal(error);
    if (refusal !== error) throw refusal;
    throw refuse('workflow_error', `The subscription could not apply this: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A validator that can only refuse: an input it did not expect (a null item, say) is refused as malformed. */
export function guardValidator<A extends unknown[]>(validate: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      validate(...args);
    } catch (error) {
      if (error instanceof TemporalFailure) throw error;
      const refusal = asRefusal(error);
      throw refusal !== error ? refusal : refuse('invalid_input', `The request could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
