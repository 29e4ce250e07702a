import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { billingTracer, tracingEnabled } from '../observability/tracing.js';
import type { ApiEnv } from './env.js';
import { answeredRoute } from './route-templates.js';

/**
 * The server span of each request, the root of its trace (or a child of the caller's, from
 * `traceparent`): named by the route template once routing is done, with its status. Everything
 * the handler does — Prisma queries, the Temporal client's calls, Stripe — is beneath it. With
 * tracing off, it does nothing.
 */
export function traceRequests(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!tracingEnabled()) return next();
    const parent = propagation.extract(context.active(), Object.fromEntries(c.req.raw.headers.entries()));
    await billingTracer().startActiveSpan(c.req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } }, parent, async (span) => {
      try {
        await next();
      } finally {
        const route = answeredRoute(c);
        span.updateName(`${c.req.method} ${route}`);
        span.setAttribute('http.route', route);
        span.setAttribute('http.response.status_code', c.res.status);
        const requestId = c.get('requestId');
        span.setAttribute('request.id', requestId);
        const tenantId = c.get('principal')?.tenantId;
        if (tenantId !== undefined) span.setAttribute('billing.tenant_id', tenantId);
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}
