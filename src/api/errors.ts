import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, details: unknown[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** One place turns thrown errors into responses; anything unexpected is a logged 500 without internals. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof HTTPException) {
    return c.json(errorBody('http_error', error.message || 'Request failed'), error.status);
  }
  console.error(`[${c.get('requestId') ?? '-'}] unhandled error`, error);
  return c.json(errorBody('internal_error', 'An unexpected error occurred'), 500);
}
