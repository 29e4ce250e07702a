import type { MiddlewareHandler } from 'hono';
import { log, withLogContext } from '../observability/logger.js';
import { httpRequestDuration } from '../observability/metrics.js';
import type { ApiEnv } from './env.js';
import { answeredRoute } from './route-templates.js';

/** Probes and scrapes are frequent and say nothing: their lines are debug. */
const QUIET = /^\/(health|metrics)(\/|$)/;

/**
 * One access-log line per request (request id, tenant, route template, status, duration), and the
 * request-duration histogram by route template, method and status. Every line logged while the
 * request runs carries its request id (and its tenant, once the key is known), so one request's
 * lines are found by `requestId`.
 */
export function accessLog(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = c.get('requestId');
    await withLogContext({ requestId }, next);
    const seconds = (performance.now() - started) / 1000;
    const route = answeredRoute(c);
    const status = c.res.status;
    httpRequestDuration.observe({ route, method: c.req.method, status: String(status) }, seconds);
    const line = { requestId, tenantId: c.get('principal')?.tenantId, method: c.req.method, route, status, durationMs: Math.round(seconds * 10_000) / 10 };
    if (QUIET.test(c.req.path)) log().debug(line, 'request');
    else log().info(line, 'request');
  };
}
