import { ApplicationFailure } from '@temporalio/common';
import { isBillingError } from '../src/billing/errors.js';
import { isDomainError } from '../src/domain/index.js';

/** A failure Temporal must not retry; `type` is the snake_case code the workflow branches on. */
export function nonRetryable(type: string, message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(details === undefined ? [] : [details]));
}

/**
 * Refused inputs (a BillingError or DomainError: not found, currency mismatch, corrupt price…)
 * can never succeed on retry, so they leave the activity as non-retryable failures typed by their
 * code. Everything else (a lost connection, a deadlock) keeps Temporal's retries.
 */
export function toActivityFailure(error: unknown): unknown {
  if (isBillingError(error) || isDomainError(error)) {
    return nonRetryable(error.code, error.message, { ...error.details });
  }
  return error;
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
