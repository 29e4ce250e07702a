import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env.js';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * An action sent as JSON with no body at all (`curl -X POST -H 'Content-Type: application/json'`)
 * means `{}`, as it does to Stripe: pause, resume and pay take no parameters, and answering
 * "Malformed JSON" to nothing helps no one. A body that is present is parsed as it is.
 */
export function emptyJsonBodyIsEmptyObject(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || !JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) return next();
    // A positive Content-Length says there is a body; otherwise read it (cached for the validator).
    const length = c.req.header('content-length');
    const empty = length !== undefined && /^[1-9]\d*$/.test(length) ? false : (await c.req.text()) === '';
    // Hono keeps each body reading as a promise in bodyCache (its type says the value); json() parses text.
    if (empty) (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve('{}');
    return next();
  };
}
