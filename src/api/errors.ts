import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isBillingError } from '../billing/errors.js';
import { isDomainError } from '../domain/index.js';
import { GatewayRequestError, RetryableGatewayError } from '../payments/gateway.js';
import { temporalErrorResponse } from './temporal-errors.js';

/** Every error response has this one shape: `{ error: { code, message, details } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, details: unknown[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/**
 * A billing rule's `details` object becomes the list clients iterate. `fields` (from the billing
 * layer's own validation) is reshaped like the API's: `{ field: "body.<path>", code, message }`.
 */
function billingDetails(details: Readonly<Record<string, unknown>>): unknown[] {
  const fields = details.fields;
  if (Array.isArray(fields)) {
    return (fields as Array<{ path?: unknown; message?: unknown }>).map((f) => ({
      field: typeof f.path === 'string' && f.path !== '' ? `body.${f.path}` : 'body',
      code: 'invalid',
      message: typeof f.message === 'string' ? f.message : 'Invalid value',
    }));
  }
  return Object.keys(details).length === 0 ? [] : [details];
}

/** Translates anything a handler throws into the error shape and the fitting status. */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isBillingError(error)) {
    const malformed = error.code === 'invalid_input' || error.code === 'invalid_cursor';
    const status = error.kind === 'not_found' ? 404 : error.kind === 'conflict' ? 409 : malformed ? 400 : 422;
    return new ApiError(status, error.code === 'invalid_input' ? 'invalid_request' : error.code, error.message, billingDetails(error.details));
  }
  if (isDomainError(error)) return new ApiError(422, error.code, error.message, billingDetails(error.details));
  if (error instanceof HTTPException) {
    // Hono's own refusals: malformed JSON, a body over the limit, a wrong content type.
    const status = error.status;
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
    const message = error.message || 'The request could not be read';
    return new ApiError(status, code, message, status === 400 ? [{ field: 'body', code: 'unreadable_body', message }] : []);
  }
  if (error instanceof RetryableGatewayError) {
    return new ApiError(503, 'gateway_unavailable', 'The payment gateway is unavailable; retry with the same Idempotency-Key', [], { 'Retry-After': '2' });
  }
  if (error instanceof GatewayRequestError) return new ApiError(502, 'gateway_error', 'The payment gateway refused the request', [{ reason: error.message }]);
  return temporalErrorResponse(error);
}

/** One place turns thrown errors into responses; anything unexpected is a logged 500 without internals. */
export function handleError(error: Error, c: Context): Response {
  const apiError = toApiError(error);
  if (apiError) {
    for (const [name, value] of Object.entries(apiError.headers)) c.header(name, value);
    return c.json(errorBody(apiError.code, apiError.message, apiError.details), apiError.status);
  }
  console.error(`[${(c.get('requestId') as string | undefined) ?? '-'}] unhandled error`, error);
  return c.json(errorBody('internal_error', 'An unexpected error occurred'), 500);
}
