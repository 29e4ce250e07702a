import { isDomainError } from '../domain/index.js';

/**
 * Why a billing operation refused its input. `kind` decides the HTTP status in the API's one
 * error handler (not_found → 404, invalid → 422, conflict → 409); `code` is the stable snake_case
 * identifier clients and workflows branch on.
 */
export type BillingErrorKind = 'not_found' | 'invalid' | 'conflict';

export class BillingError extends Error {
  override name = 'BillingError';

  constructor(
    readonly code: string,
    readonly kind: BillingErrorKind,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** `<resource>_not_found`. Another tenant's row is reported exactly like a missing one. */
export function notFound(resource: string, id: string): BillingError {
  return new BillingError(`${resource}_not_found`, 'not_found', `No ${resource.replaceAll('_', ' ')} ${id}`, { id });
}

export function invalid(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): BillingError {
  return new BillingError(code, 'invalid', message, details);
}

export function conflict(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): BillingError {
  return new BillingError(code, 'conflict', message, details);
}

export function isBillingError(error: unknown, code?: string): error is BillingError {
  return error instanceof BillingError && (code === undefined || error.code === code);
}

/** Runs domain arithmetic or validation; a `DomainError` becomes an `invalid` BillingError with the same code. */
export function withDomainValidation<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isDomainError(error)) throw invalid(error.code, error.message, error.details);
    throw error;
  }
}
