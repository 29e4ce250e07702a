import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { errorBody, handleError } from './errors.js';
import { healthRoutes, type ReadinessCheck } from './health/routes.js';
import { stripeWebhookRoutes } from '../payments/webhooks/route.js';
import type { StripeWebhookProcessor } from '../payments/webhooks/stripe-webhook-processor.js';

export interface AppDependencies {
  readinessChecks: readonly ReadinessCheck[];
  /** Mounted at POST /v1/webhooks/stripe when present. */
  stripeWebhooks?: StripeWebhookProcessor;
}

/** Builds the HTTP app. Tests build the same app and call `app.request(…)`; no server needed. */
export function createApp(dependencies: AppDependencies): OpenAPIHono {
  const app = new OpenAPIHono();
  app.use('*', requestId());
  app.route('/', healthRoutes(dependencies.readinessChecks));
  if (dependencies.stripeWebhooks) app.route('/', stripeWebhookRoutes(dependencies.stripeWebhooks));
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'durable-billing', version: '0.1.0', description: 'Subscription billing on Temporal workflows.' },
  });
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}
