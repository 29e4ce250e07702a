import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env.js';
import { ApiError } from './errors.js';

// Matched per UTF-16 code unit (no `u` flag): a high surrogate without its low half, or the reverse.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function isUnstorable(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

function printable(text: string): string {
  return text.replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATE, '\ufffd');
}

function unstorablePaths(value: unknown, path: string, found: string[]): void {
  if (typeof value === 'string') {
    if (isUnstorable(value)) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorablePaths(item, `${path}.${index}`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (isUnstorable(key)) found.push(`${path}.${printable(key)}`);
      unstorablePaths(item, `${path}.${key}`, found);
    }
  }
}

/** JSON can only produce such strings through a `\u` escape or a raw NUL: anything else skips the parse. */
function mayHoldUnstorable(text: string): boolean {
  return text.includes('\\u') || text.includes('\u0000');
}

/**
 * Text PostgreSQL and Temporal cannot carry: the NUL character (PostgreSQL text refuses it) and
 * lone UTF-16 surrogates (`"\ud800"` in JSON: not valid Unicode, so not valid UTF-8 either; a
 * Temporal payload holding one cannot even be encoded). Either would fail deep in a write or a
 * workflow as a 5xx, so both are refused up front, naming each field.
 */
export function rejectUnstorableText(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const found: string[] = [];
    if (isUnstorable(c.req.path)) found.push('path');
    for (const [key, value] of new URL(c.req.url).searchParams) if (isUnstorable(key) || isUnstorable(value)) found.push(`query.${printable(key)}`);
    for (const [name, value] of Object.entries(c.req.header())) if (isUnstorable(value)) found.push(`header.${name}`);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const text = await c.req.text();
      if (mayHoldUnstorable(text)) {
        try {
          unstorablePaths(JSON.parse(text), 'body', found);
        } catch {
          if (isUnstorable(text)) found.push('body');
        }
      }
    }
    if (found.length > 0) {
      throw new ApiError('invalid_request',
        `Text may not contain the NUL character or unpaired surrogates (${found.join(', ')})`,
        found.map((field) => ({ field, code: 'invalid_text', message: 'Text may not contain the NUL character or unpaired UTF-16 surrogates' })),
      );
    }
    await next();
  };
}
