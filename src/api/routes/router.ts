import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../env.js';
import { emptyBody, resourceId } from '../schemas/common.js';
import { validationHook } from '../validation-hook.js';

/** A /v1 route group: typed with the caller's principal, validation failures answered as 400 with every field. */
export function billingRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'Stable snake_case identifier to branch on', example: 'invalid_request' }),
      message: z.string(),
      details: z.array(z.unknown()).openapi({ description: 'Every bad field (`field`, `code`, `message`) or the facts behind the refusal' }),
    }),
  })
  .openapi('Error');

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: errorSchema } } };
}

/** The refusals every authenticated route can give. */
export const commonErrors = {
  400: errorResponse('The request is malformed: every bad field is listed in `details`'),
  401: errorResponse('Missing, unknown or revoked API key'),
  403: errorResponse('The API key may not do this (read-only)'),
  404: errorResponse('No such resource for this tenant'),
  409: errorResponse('Conflicts with the current state, or an Idempotency-Key reused for another request'),
  422: errorResponse('Well-formed, but breaks a billing rule'),
  413: errorResponse('The body is over 1 MB'),
  429: errorResponse('Rate limit exceeded; see Retry-After'),
  503: errorResponse('Temporal or the payment gateway is unreachable; retry with the same Idempotency-Key (see Retry-After)'),
} as const;

export function ok<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<S extends z.ZodType>(schema: S) {
  return { required: true, content: { 'application/json': { schema } } };
}

/** Actions that take no parameters (archive, pause, pay): no body, or `{}`; any field is refused. */
export const optionalEmptyBody = { required: false, content: { 'application/json': { schema: emptyBody } } };

/** Documented on every POST; the idempotency middleware reads it. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({ description: 'Makes the POST safe to retry: the same key and body replay the first response for 24 h', example: 'order-1234-subscribe' }),
});

export const idParam = resourceId;

export function pathParams<K extends string>(...names: K[]) {
  return z.strictObject(Object.fromEntries(names.map((name) => [name, idParam.openapi({ param: { name, in: 'path' } })])) as Record<K, typeof idParam>);
}

export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(100).optional().openapi({ description: '1 to 100, default 20' }),
  cursor: z.string().min(1).max(500).optional().openapi({ description: '`nextCursor` of the previous page' }),
};

export function pageSchema<S extends z.ZodType>(item: S, name: string) {
  return z
    .object({ object: z.literal('list'), data: z.array(item), hasMore: z.boolean(), nextCursor: z.string().nullable() })
    .openapi(name);
}

/**
 * A list bounded by its owner (an invoice's attempts, a subscription's alerts), complete in one
 * response: the same envelope as every list, with nothing more to fetch.
 */
export function completeList<T>(data: T[]): { object: 'list'; data: T[]; hasMore: false; nextCursor: null } {
  return { object: 'list', data, hasMore: false, nextCursor: null };
}

/** A Page from the billing layer as the list envelope clients get. */
export function listEnvelope<T>(page: { data: T[]; hasMore: boolean; nextCursor: string | null }): { object: 'list'; data: T[]; hasMore: boolean; nextCursor: string | null } {
  return { object: 'list', data: page.data, hasMore: page.hasMore, nextCursor: page.nextCursor };
}
