import type { OpenAPIHono } from '@hono/zod-openapi';
import type { BillingApiDependencies } from '../dependencies.js';
import type { ApiEnv } from '../env.js';
import { analyticsRoutes } from './analytics.js';
import { apiKeyRoutes } from './api-keys.js';
import { attentionRoutes } from './attention.js';
import { auditEventRoutes } from './audit-events.js';
import { catalogRoutes } from './catalog.js';
import { creditNoteRoutes } from './credit-notes.js';
import { couponRoutes } from './coupons.js';
import { creditAndDunningRoutes } from './credit-and-dunning.js';
import { customerRoutes } from './customers.js';
import { entitlementRoutes } from './entitlements.js';
import { emailRoutes } from './emails.js';
import { eventRoutes } from './events.js';
import { webhookEndpointRoutes } from './webhook-endpoints.js';
import { invoiceItemRoutes } from './invoice-items.js';
import { invoiceRoutes } from './invoices.js';
import { meterRoutes } from './meters.js';
import { billingRouter } from './router.js';
import { subscriptionRoutes } from './subscriptions.js';
import { usageAlertRoutes } from './usage-alerts.js';
import { usageRoutes } from './usage.js';

/** Every /v1 resource route; authentication, roles, rate limits and idempotency are applied around them in app.ts. */
export function billingRoutes(deps: BillingApiDependencies): OpenAPIHono<ApiEnv> {
  const app = billingRouter();
  for (const group of [customerRoutes, catalogRoutes, subscriptionRoutes, invoiceRoutes, invoiceItemRoutes, creditNoteRoutes, couponRoutes, creditAndDunningRoutes, meterRoutes, usageRoutes, usageAlertRoutes, entitlementRoutes, apiKeyRoutes, auditEventRoutes, eventRoutes, webhookEndpointRoutes, emailRoutes, analyticsRoutes, attentionRoutes]) app.route('/', group(deps));
  return app;
}
