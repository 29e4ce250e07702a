import { isDomainError, type DomainErrorCode } from '../domain/index.js';

/**
 * The failure vocabulary, end to end. Every refusal a billing operation, an activity or a
 * workflow can give has a stable snake_case `code` and a `kind`; the kind alone decides the HTTP
 * status (in src/api/errors.ts, one place). The catalog below is the only list of codes: the
 * typed constructors accept nothing else, and test/unit/billing/failures.test.ts checks that each
 * code maps to its status and is documented in the README.
 *
 * This module is pure (no I/O, no Node built-ins): workflow code imports it too.
 */
export type FailureKind =
  /** The request itself is malformed (400). */
  | 'malformed'
  /** No such resource for this tenant (404). */
  | 'not_found'
  /** Conflicts with the current state; may succeed later or after another change (409). */
  | 'conflict'
  /** Well-formed but against a billing rule (422). */
  | 'invalid'
  /** The payment gateway refused a request we made (502). */
  | 'gateway'
  /** A dependency is unreachable or busy; retry with the same idempotency key (503). */
  | 'unavailable'
  /** Our own fault, never the request's (500). */
  | 'internal';

/** Every domain refusal is a broken billing rule. */
const DOMAIN_FAILURES: { readonly [C in DomainErrorCode]: 'invalid' } = {
  unknown_currency: 'invalid',
  currency_mismatch: 'invalid',
  invalid_amount: 'invalid',
  amount_overflow: 'invalid',
  invalid_decimal: 'invalid',
  invalid_ratio: 'invalid',
  invalid_rounding_mode: 'invalid',
  invalid_instant: 'invalid',
  invalid_interval: 'invalid',
  invalid_billing_cycle_anchor: 'invalid',
  invalid_period: 'invalid',
  instant_before_anchor: 'invalid',
  invalid_proration: 'invalid',
  invalid_price_definition: 'invalid',
  invalid_quantity: 'invalid',
  invalid_coupon: 'invalid',
  invalid_tax_rate: 'invalid',
  unknown_tax_jurisdiction: 'invalid',
  invalid_invoice: 'invalid',
  invalid_dunning_policy: 'invalid',
  invalid_payment_history: 'invalid',
  invalid_meter: 'invalid',
  invalid_usage_value: 'invalid',
  invalid_credit_note: 'invalid',
  invalid_entitlement: 'invalid',
  invalid_usage_alert: 'invalid',
};

export const FAILURE_CATALOG = {
  ...DOMAIN_FAILURES,

  invalid_input: 'malformed',
  invalid_cursor: 'malformed',

  tenant_not_found: 'not_found',
  customer_not_found: 'not_found',
  payment_method_not_found: 'not_found',
  product_not_found: 'not_found',
  price_not_found: 'not_found',
  coupon_not_found: 'not_found',
  discount_not_found: 'not_found',
  subscription_not_found: 'not_found',
  invoice_not_found: 'not_found',
  meter_not_found: 'not_found',
  api_key_not_found: 'not_found',
  audit_event_not_found: 'not_found',
  credit_note_not_found: 'not_found',
  invoice_item_not_found: 'not_found',
  upcoming_invoice_not_found: 'not_found',
  feature_not_found: 'not_found',
  entitlement_not_found: 'not_found',
  entitlement_override_not_found: 'not_found',
  usage_alert_not_found: 'not_found',
  event_not_found: 'not_found',
  webhook_endpoint_not_found: 'not_found',
  webhook_delivery_not_found: 'not_found',
  email_notification_not_found: 'not_found',

  webhook_endpoint_disabled: 'conflict',
  invalid_webhook_url: 'invalid',
  invalid_email_template: 'invalid',

  customer_already_exists: 'conflict',
  customer_currency_locked: 'conflict',
  product_in_use: 'conflict',
  price_in_use: 'conflict',
  coupon_code_taken: 'conflict',
  coupon_max_redemptions: 'conflict',
  subscription_already_exists: 'conflict',
  subscription_canceled: 'conflict',
  subscription_ended: 'conflict',
  subscription_not_changeable: 'conflict',
  subscription_not_pausable: 'conflict',
  subscription_not_paused: 'conflict',
  change_pending_payment: 'conflict',
  change_id_reused: 'conflict',
  invoice_not_open: 'conflict',
  invoice_not_collectible: 'conflict',
  invoice_not_finalized: 'conflict',
  invoice_not_paid: 'conflict',
  invoice_item_invoiced: 'conflict',
  collection_ended: 'conflict',
  update_rejected: 'conflict',
  meter_key_taken: 'conflict',
  meter_in_use: 'conflict',
  meter_already_billed: 'conflict',
  usage_event_conflict: 'conflict',
  usage_closed: 'conflict',
  last_admin_key: 'conflict',
  api_key_not_live: 'conflict',
  feature_key_taken: 'conflict',
  feature_archived: 'conflict',
  no_usage_period: 'conflict',

  amount_too_large: 'invalid',
  interval_mismatch: 'invalid',
  start_in_past: 'invalid',
  insufficient_credit_balance: 'invalid',
  coupon_expired: 'invalid',
  payment_method_rejected: 'invalid',
  payment_method_unusable: 'invalid',
  invalid_change: 'invalid',
  invalid_cancel: 'invalid',
  invalid_invoice_action: 'invalid',
  invalid_items: 'invalid',
  meter_required: 'invalid',
  meter_archived: 'invalid',
  credit_note_exceeds_refundable: 'invalid',
  credit_note_exceeds_amount_due: 'invalid',
  usage_timestamp_out_of_range: 'invalid',

  gateway_error: 'gateway',

  gateway_unavailable: 'unavailable',
  temporal_unavailable: 'unavailable',
  workflow_busy: 'unavailable',

  workflow_error: 'internal',
} as const satisfies Readonly<Record<string, FailureKind>>;

export type FailureCode = keyof typeof FAILURE_CATALOG;

/** The resources a `<resource>_not_found` code exists for. */
export type NotFoundResource = { [C in FailureCode]: C extends `${infer R}_not_found` ? R : never }[FailureCode];

export function isFailureCode(code: string): code is FailureCode {
  return Object.prototype.hasOwnProperty.call(FAILURE_CATALOG, code);
}

/** The kind of a code; a code from outside the catalog is an error type nobody meant as a refusal. */
export function kindOf(code: string): FailureKind {
  return isFailureCode(code) ? FAILURE_CATALOG[code] : 'internal';
}

/**
 * Why a billing operation refused its input. `details` carries the facts behind the refusal
 * (JSON-safe); `details.fields`, where present, lists every bad field as `{ path, message }`.
 */
export class BillingError extends Error {
  override name = 'BillingError';

  constructor(
    readonly code: string,
    readonly kind: FailureKind,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A refusal from the catalog; its kind comes from the catalog, never from the caller. */
export function failure(code: FailureCode, message: string, details: Readonly<Record<string, unknown>> = {}): BillingError {
  return new BillingError(code, FAILURE_CATALOG[code], message, details);
}

/** `<resource>_not_found`. Another tenant's row is reported exactly like a missing one. */
export function notFound(resource: NotFoundResource, id: string): BillingError {
  return failure(`${resource}_not_found`, `No ${resource.replaceAll('_', ' ')} ${id}`, { id });
}

export function isBillingError(error: unknown, code?: FailureCode): error is BillingError {
  return error instanceof BillingError && (code === undefined || error.code === code);
}

/** Runs domain arithmetic or validation; a `DomainError` becomes a BillingError with the same code. */
export function withDomainValidation<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isDomainError(error)) throw failure(error.code, error.message, error.details);
    throw error;
  }
}

/**
 * A refusal as it crosses Temporal: the ApplicationFailure's `type` is the code and its one
 * details entry is this object, so the kind arrives with the code instead of being guessed.
 */
export interface FailureWire {
  kind: FailureKind;
  details: Record<string, unknown>;
}

export function toFailureWire(error: { kind: FailureKind; details: Readonly<Record<string, unknown>> }): FailureWire {
  return { kind: error.kind, details: { ...error.details } };
}

function isFailureKind(value: unknown): value is FailureKind {
  return typeof value === 'string' && ['malformed', 'not_found', 'conflict', 'invalid', 'gateway', 'unavailable', 'internal'].includes(value);
}

/** Rebuilds the BillingError from an ApplicationFailure's type, message and details. */
export function fromFailureWire(code: string, message: string, details: readonly unknown[] | undefined): BillingError {
  const wire = details?.[0] as Partial<FailureWire> | undefined;
  const kind = isFailureKind(wire?.kind) ? wire.kind : kindOf(code);
  const facts = wire !== undefined && typeof wire.details === 'object' && wire.details !== null ? wire.details : {};
  return new BillingError(code, kind, message, facts);
}

/** Any thrown refusal (billing or domain) as a BillingError; anything else is not a refusal. */
export function asBillingError(error: unknown): BillingError | undefined {
  if (error instanceof BillingError) return error;
  if (isDomainError(error)) return failure(error.code, error.message, error.details);
  return undefined;
}
