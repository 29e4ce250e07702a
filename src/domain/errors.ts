/**
 * Every way the billing domain refuses an input. The codes are snake_case and stable because the
 * API layer maps them to HTTP 4xx responses and the workflows list `DomainError` as a
 * non-retryable failure type: retrying a currency mismatch can never succeed.
 */
export type DomainErrorCode =
  | 'unknown_currency'
  | 'currency_mismatch'
  | 'invalid_amount'
  | 'amount_overflow'
  | 'invalid_decimal'
  | 'invalid_ratio'
  | 'invalid_rounding_mode'
  | 'invalid_instant'
  | 'invalid_interval'
  | 'invalid_billing_cycle_anchor'
  | 'invalid_period'
  | 'instant_before_anchor'
  | 'invalid_proration'
  | 'invalid_price_definition'
  | 'invalid_quantity'
  | 'invalid_coupon'
  | 'invalid_tax_rate'
  | 'unknown_tax_jurisdiction'
  | 'invalid_invoice'
  | 'invalid_dunning_policy'
  | 'invalid_payment_history'
  | 'invalid_meter'
  | 'invalid_entitlement'
  | 'invalid_usage_alert'
  | 'invalid_usage_value'
  | 'invalid_credit_note';

/**
 * The one error type the domain throws. `code` is machine-readable, `message` is for humans,
 * `details` carries the offending values (JSON-safe) for the API's error body.
 */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: DomainErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** Narrows an unknown thrown value to a `DomainError`, optionally with a given code. */
export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
