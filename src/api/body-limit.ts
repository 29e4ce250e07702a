import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiEnv } from './env.js';

/**
 * Refuses a request body over `maxSize` bytes. A body with a Content-Length is judged by the header
 * alone (Node's parser never delivers more than it says), so the request is never turned into a
 * web `Request` with a stream just to be measured — that costs more than the rest of a usage
 * event's handling. Only a chunked body, whose size is unknown until read, goes through Hono's
 * streaming limit.
 */
export function limitBodySize(maxSize: number, onTooLarge: () => never): MiddlewareHandler<ApiEnv> {
  const streaming = bodyLimit({ maxSize, onError: onTooLarge });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(length)) {
      if (Number(length) > maxSize) onTooLarge();
      return next();
    }
    return streaming(c, next);
  };
}
