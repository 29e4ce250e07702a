import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { asBillingError, BillingError, failure, type FailureKind } from '../billing/failures.js';
import { GatewayRequestError, RetryableGatewayError } from '../payments/gateway.js';
import { log } from '../observability/logger.js';

/** Every error response has this one shape: `{ error: { code, message, details } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

/** The one mapping from a billing refusal's kind to its HTTP status. */
export const STATUS_BY_KIND: Readonly<Record<FailureKind, ContentfulStatusCode>> = {
  malformed: 400,
  not_found: 404,
  conflict: 409,
  invalid: 422,
  gateway: 502,
  unavailable: 503,
  internal: 500,
};

/**
 * Codes only the HTTP layer gives (authentication, limits, transport), with their status. Billing
 * refusals are not listed here: their codes and kinds live in src/billing/failures.ts.
 */
export const API_FAILURES = {
  invalid_request: 400,
  invalid_idempotency_key: 400,
  invalid_signature: 400,
  authentication_required: 401,
  invalid_api_key: 401,
  insufficient_role: 403,
  not_found: 404,
  idempotency_key_reused: 409,
  idempotency_request_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
} as const satisfies Readonly<Record<string, ContentfulStatusCode>>;

export type ApiFailureCode = keyof typeof API_FAILURES;

/** A refusal by the HTTP layer itself; its status comes from API_FAILURES. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ApiFailureCode,
    message: string,
    readonly details: unknown[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_FAILURES[code];
  }
}

export function errorBody(code: string, message: string, details: unknown[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/**
 * A billing rule's `details` object becomes the list clients iterate. `fields` (from the billing
 * layer's own validation) is reshaped like the API's: `{ field: "body.<path>", code, message }`
 * (a path a route already placed, `query.<name>`, is kept).
 */
function billingDetails(details: Readonly<Record<string, unknown>>): unknown[] {
  const fields = details.fields;
  if (Array.isArray(fields)) {
    return (fields as Array<{ path?: unknown; message?: unknown; code?: unknown }>).map((f) => ({
      field: typeof f.path === 'string' && f.path !== '' ? (f.path.startsWith('query.') ? f.path : `body.${f.path}`) : 'body',
      code: typeof f.code === 'string' ? f.code : 'invalid',
      message: typeof f.message === 'string' ? f.message : 'Invalid value',
    }));
  }
  return Object.keys(details).length === 0 ? [] : [details];
}

/**
 * Runs an operation whose input names a field differently from the request body (the body's
 * `pricing` is the operation's `definition`), so refusals name the field the client sent.
 */
export async function withBodyFieldNames<T>(renames: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const refusal = asBillingError(error);
    const fields = refusal?.details.fields;
    if (refusal === undefined || !Array.isArray(fields)) throw error;
    const rename = (path: string): string => {
      const [head = '', ...rest] = path.split('.');
      return [renames[head] ?? head, ...rest].join('.');
    };
    const renamed = (fields as Array<{ path?: unknown }>).map((f) => (typeof f.path === 'string' ? { ...f, path: rename(f.path) } : f));
    throw new BillingError(refusal.code, refusal.kind, refusal.message, { ...refusal.details, fields: renamed });
  }
}

/** Unavailable dependencies say when to come back. */
const RETRY_AFTER_SECONDS: Partial<Record<string, string>> = { temporal_unavailable: '5' };

export interface ErrorResponse {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  details: unknown[];
  headers: Record<string, string>;
}

function fromBillingError(error: BillingError): ErrorResponse {
  // The billing layer's own input check is, to a client, the same thing as the API's.
  const code = error.code === 'invalid_input' ? 'invalid_request' : error.code;
  const headers: Record<string, string> = error.kind === 'unavailable' ? { 'Retry-After': RETRY_AFTER_SECONDS[error.code] ?? '2' } : {};
  return { status: STATUS_BY_KIND[error.kind], code, message: error.message, details: billingDetails(error.details), headers };
}

/** The gateway's exceptions in the failure vocabulary (operations that call it let them through). */
function gatewayRefusal(error: unknown): BillingError | undefined {
  if (error instanceof RetryableGatewayError) return failure('gateway_unavailable', 'The payment gateway is unavailable; retry with the same Idempotency-Key');
  if (error instanceof GatewayRequestError) return failure('gateway_error', 'The payment gateway refused the request', { reason: error.message });
  return undefined;
}

/** Translates anything a handler throws into the error shape and its status; undefined for the unexpected. */
export function toErrorResponse(error: unknown): ErrorResponse | undefined {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message, details: error.details, headers: error.headers };
  const refusal = asBillingError(error) ?? gatewayRefusal(error);
  if (refusal !== undefined) return fromBillingError(refusal);
  if (error instanceof HTTPException) {
    // Hono's own refusals: malformed JSON, a body over the limit, a wrong content type.
    const code: ApiFailureCode = error.status === 413 ? 'payload_too_large' : error.status === 415 ? 'unsupported_media_type' : 'invalid_request';
    const message =
      code === 'unsupported_media_type' ? 'Request bodies are JSON: send the header "Content-Type: application/json"' : error.message || 'The request could not be read';
    const details =
      code === 'invalid_request'
        ? [{ field: 'body', code: 'unreadable_body', message }]
        : code === 'unsupported_media_type'
          ? [{ field: 'header.content-type', code: 'unsupported_media_type', message: 'must be application/json' }]
          : [];
    return { status: API_FAILURES[code], code, message, details, headers: {} };
  }
  return undefined;
}

/** One place turns thrown errors into responses; anything unexpected is a logged 500 without internals. */
export function handleError(error: Error, c: Context): Response {
  const response = toErrorResponse(error);
  if (response) {
    for (const [name, value] of Object.entries(response.headers)) c.header(name, value);
    return c.json(errorBody(response.code, response.message, response.details), response.status);
  }
  log().error({ requestId: c.get('requestId'), err: error }, 'unhandled error');
  return c.json(errorBody('internal_error', 'An unexpected error occurred'), API_FAILURES.internal_error);
}
