import { ApplicationFailure } from '@temporalio/common';
import { asBillingError, toFailureWire } from '../src/billing/failures.js';

/**
 * Refused inputs (a BillingError or DomainError: not found, currency mismatch, corrupt price…)
 * can never succeed on retry, so they leave the activity as non-retryable failures: the type is
 * the code and the details carry its kind (see FailureWire). Everything else (a lost connection,
 * a deadlock) keeps Temporal's retries.
 */
export function toActivityFailure(error: unknown): unknown {
  const refusal = asBillingError(error);
  if (refusal === undefined) return error;
  return ApplicationFailure.nonRetryable(refusal.message, refusal.code, toFailureWire(refusal));
}

export function withFailureMapping<I, O>(work: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    try {
      return await work(input);
    } catch (error) {
      throw toActivityFailure(error);
    }
  };
}
