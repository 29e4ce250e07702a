import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { limitBodySize } from './body-limit.js';
import { accessLog } from './access-log.js';
import { traceRequests } from './request-tracing.js';
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from '../observability/metrics-server.js';
import { mountSwaggerAssets, SWAGGER_ASSETS_BASE } from './docs/swagger-assets.js';
import { emptyJsonBodyIsEmptyObject } from './empty-json-body.js';
import { stripeWebhookRoutes } from './webhooks/stripe-webhook-routes.js';
import type { StripeWebhookProcessor } from '../payments/webhooks/stripe-webhook-processor.js';
import { authenticate } from './auth/authenticate.js';
import { authorizeRole } from './auth/permissions.js';
import { auditTrail } from './audit/audit-trail.js';
import { entitlementCache, type BillingApiDependencies } from './dependencies.js';
import { invalidateEntitlementsAfterWrites } from './entitlement-invalidation.js';
import type { ApiEnv } from './env.js';
import { ApiError, errorBody, handleError } from './errors.js';
import { healthRoutes, type ReadinessCheck } from './health/routes.js';
import { hostedInvoiceRoutes } from './routes/hosted-invoices.js';
import { consoleRoutes, type ConsoleOptions } from './console/console-routes.js';
import { IdempotencyStore } from '../idempotency/idempotency-store.js';
import { idempotency } from './idempotency/idempotency.js';
import { applyOpenApiConventions } from './openapi-conventions.js';
import { DEFAULT_RATE_LIMIT, rateLimit } from './rate-limit.js';
import { billingRoutes } from './routes/index.js';
import { rejectUnstorableText } from './text-guard.js';
import { validationHook } from './validation-hook.js';

export interface AppDependencies {
  readinessChecks: readonly ReadinessCheck[];
  /** Mounted at POST /v1/webhooks/stripe when present. */
  stripeWebhooks?: StripeWebhookProcessor;
  /** The /v1 billing API; absent only in tests of health and webhooks alone. */
  billing?: BillingApiDependencies;
  /** The Temporal runtime's own metrics endpoint, appended to /metrics (a process that runs a worker). */
  runtimeMetricsUrl?: string;
  /** The operator console's links out (the Temporal UI); the console itself is mounted with `billing`. */
  console?: ConsoleOptions;
}

const MAX_BODY_BYTES = 1024 * 1024;
export const API_VERSION = '0.1.0';

/** Authentication, role, rate limit, text guard, entitlement invalidation, idempotency and the audit trail, in that order, for every /v1 route but webhooks (Stripe signs those). */
function v1Middleware(billing: BillingApiDependencies): MiddlewareHandler<ApiEnv>[] {
  return [
    authenticate(billing.prisma, billing.apiKeys),
    authorizeRole(),
    rateLimit(billing.rateLimit ?? DEFAULT_RATE_LIMIT),
    rejectUnstorableText(),
    invalidateEntitlementsAfterWrites(entitlementCache(billing), billing.prisma),
    idempotency(new IdempotencyStore(billing.prisma)),
    auditTrail(billing.prisma),
  ];
}

function exceptWebhooks(handler: MiddlewareHandler<ApiEnv>): MiddlewareHandler<ApiEnv> {
  return (c, next) => (c.req.path.startsWith('/v1/webhooks/') ? next() : handler(c, next));
}

/** Builds the HTTP app. Tests build the same app and call `app.request(…)`; no server needed. */
export function createApp(dependencies: AppDependencies): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.use('*', requestId());
  app.use('*', traceRequests());
  app.use('*', accessLog());
  app.use(
    '/v1/*',
    limitBodySize(MAX_BODY_BYTES, () => {
      throw new ApiError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    }),
  );
  app.use('/v1/*', emptyJsonBodyIsEmptyObject());
  app.route('/', healthRoutes(dependencies.readinessChecks));
  // Prometheus text; no tenant data in it (labels never carry ids), so it needs no key.
  app.get('/metrics', async (c) => c.body(await renderMetrics(dependencies.runtimeMetricsUrl), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }));
  if (dependencies.stripeWebhooks) app.route('/', stripeWebhookRoutes(dependencies.stripeWebhooks));
  if (dependencies.billing) {
    for (const middleware of v1Middleware(dependencies.billing)) app.use('/v1/*', exceptWebhooks(middleware));
    app.route('/', billingRoutes(dependencies.billing));
    app.route('/', hostedInvoiceRoutes(dependencies.billing));
    app.route('/', consoleRoutes(dependencies.billing, dependencies.console));
  }
  applyOpenApiConventions(app);
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`dbk_…`) from `npm run tenant:create` or the one `npm start` prints',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'durable-billing', version: API_VERSION, description: 'Subscription billing on Temporal workflows.' },
    security: [{ apiKey: [] }],
  });
  mountSwaggerAssets(app);
  // validatorUrl none: the badge would ask swagger.io to validate the document, which needs the internet.
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'durable-billing API', baseUrl: SWAGGER_ASSETS_BASE, validatorUrl: 'none' }));
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}
