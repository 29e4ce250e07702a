import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env.js';
import { ApiError } from './errors.js';

/** Paths of every string (key or value) holding a NUL character, e.g. `body.name`. */
function nulPaths(value: unknown, path: string, found: string[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nulPaths(item, `${path}.${index}`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key.includes('\u0000')) found.push(`${path}.${key.replaceAll('\u0000', '\\u0000')}`);
      nulPaths(item, `${path}.${key}`, found);
    }
  }
}

/**
 * PostgreSQL text cannot hold the NUL character, so a string containing one would fail deep in a
 * write as a 500. It is refused up front instead, naming each field, in the body or the query.
 */
export function rejectNulCharacters(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const found: string[] = [];
    const query = new URL(c.req.url).searchParams;
    for (const [key, value] of query) if (key.includes('\u0000') || value.includes('\u0000')) found.push(`query.${key.replaceAll('\u0000', '\\u0000')}`);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const text = await c.req.text();
      if (text.includes('\\u0000') || text.includes('\u0000')) {
        try {
          nulPaths(JSON.parse(text), 'body', found);
        } catch {
          found.push('body');
        }
      }
    }
    if (found.length > 0) {
      throw new ApiError(
        400,
        'invalid_request',
        `Text may not contain the NUL character (${found.join(', ')})`,
        found.map((field) => ({ field, code: 'nul_character', message: 'Text may not contain the NUL character' })),
      );
    }
    await next();
  };
}
