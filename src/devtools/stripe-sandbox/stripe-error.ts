import type { StripeErrorObject } from './stripe-objects.js';

/**
 * A Stripe API error: the HTTP status plus the `error` object of the body. `stored` says whether
 * an idempotent request keeps this answer: Stripe saves results only once an endpoint began
 * executing, so parameter validation failures are not saved and may be retried with the same key.
 */
export class StripeApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 402 | 404 | 409 | 429 | 500,
    readonly error: StripeErrorObject,
    readonly stored: boolean,
  ) {
    super(error.message);
    this.name = 'StripeApiError';
  }
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

/** A parameter that failed validation before the endpoint ran. */
export function invalidParam(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(
    400,
    {
      type: 'invalid_request_error',
      message,
      ...(param === undefined ? {} : { param }),
      ...(code === undefined ? {} : { code, doc_url: docUrl(code) }),
    },
    false,
  );
}

/** The refusal `failNext('invalid_request')` injects: a request Stripe would never accept, whatever the retry. */
export function injectedInvalidRequest(): StripeApiError {
  return invalidParam('This request is invalid and was refused (a fault injected by the sandbox)', undefined, 'parameter_invalid_integer');
}

/** Stripe names the missing object the way its API does (`No such customer: 'cus_x'`). */
export function resourceMissing(noun: string, id: string, param: string): StripeApiError {
  return new StripeApiError(
    404,
    { type: 'invalid_request_error', code: 'resource_missing', doc_url: docUrl('resource_missing'), message: `No such ${noun}: '${id}'`, param },
    false,
  );
}

/** The object exists but is in the wrong state for the operation (found while executing). */
export function unexpectedState(code: string, message: string, param?: string): StripeApiError {
  return new StripeApiError(
    400,
    { type: 'invalid_request_error', code, doc_url: docUrl(code), message, ...(param === undefined ? {} : { param }) },
    true,
  );
}

export function parameterMissing(param: string): StripeApiError {
  return invalidParam(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function unknownParameter(param: string): StripeApiError {
  return invalidParam(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

export function apiKeyMissing(): StripeApiError {
  return new StripeApiError(
    401,
    {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    },
    false,
  );
}

export function apiKeyInvalid(key: string): StripeApiError {
  const shown = key.length > 4 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
  return new StripeApiError(
    401,
    { type: 'invalid_request_error', code: 'api_key_invalid', message: `Invalid API Key provided: ${shown}` },
    false,
  );
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    },
    false,
  );
}

export function rateLimited(): StripeApiError {
  return new StripeApiError(
    429,
    {
      type: 'invalid_request_error',
      code: 'rate_limit',
      doc_url: docUrl('rate_limit'),
      message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    },
    false,
  );
}

export function serverError(): StripeApiError {
  return new StripeApiError(
    500,
    { type: 'api_error', message: 'An unknown error occurred' },
    false,
  );
}
