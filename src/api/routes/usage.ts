import { createRoute } from '@hono/zod-openapi';
import { getBillingSettings, billingSettingsViewSchema } from '../../billing/settings/get-billing-settings.js';
import { saveBillingSettings } from '../../billing/settings/save-billing-settings.js';
import { ingestUsageBatch, ingestUsageEvent, type UsageEventRequest } from '../../billing/usage/ingest-usage.js';
import { UsageEventBatcher } from '../../billing/usage/usage-event-batcher.js';
import { billingNow, entitlementCache, usageFollowUpOf, type BillingApiDependencies } from '../dependencies.js';
import { billingSettingsBody, usageEventBatchBody, usageEventBatchResultSchema, usageEventBody, usageEventResultSchema } from '../schemas/usage.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, ok } from './router.js';

const tags = ['usage'];

const routes = {
  event: createRoute({
    method: 'post',
    path: '/v1/usage-events',
    tags,
    summary: 'Report one usage event; a repeated transactionId is acknowledged as a duplicate, never counted twice',
    request: { headers: idempotencyHeaders, body: jsonBody(usageEventBody) },
    responses: { 202: ok(usageEventResultSchema, 'Stored (or already stored: duplicate)'), ...commonErrors },
  }),
  batch: createRoute({
    method: 'post',
    path: '/v1/usage-events/batch',
    tags,
    summary: 'Report up to 1,000 usage events; each is answered on its own',
    request: { headers: idempotencyHeaders, body: jsonBody(usageEventBatchBody) },
    responses: { 202: ok(usageEventBatchResultSchema, 'Every accepted event is stored'), ...commonErrors },
  }),
  getSettings: createRoute({
    method: 'get',
    path: '/v1/billing-settings',
    tags: ['settings'],
    summary: "The tenant's billing settings",
    responses: { 200: ok(billingSettingsViewSchema, 'The settings'), ...commonErrors },
  }),
  putSettings: createRoute({
    method: 'put',
    path: '/v1/billing-settings',
    tags: ['settings'],
    summary: "Save billing settings (the usage grace period, the jobs' settings, the invoice PDF's issuer); subscriptions apply the grace period from their next period",
    request: { body: jsonBody(billingSettingsBody) },
    responses: { 200: ok(billingSettingsViewSchema, 'The saved settings'), ...commonErrors },
  }),
};

type EventBody = { transactionId: string; eventName: string; customerId?: string | undefined; subscriptionId?: string | undefined; timestamp?: string | undefined; properties?: Record<string, unknown> | undefined };

const toRequest = (event: EventBody): UsageEventRequest => ({
  transactionId: event.transactionId,
  eventName: event.eventName,
  customerId: event.customerId,
  subscriptionId: event.subscriptionId,
  timestamp: event.timestamp === undefined ? undefined : Date.parse(event.timestamp),
  properties: event.properties,
});

export function usageRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);
  // One per app: concurrent single events share a commit.
  const batcher = new UsageEventBatcher(deps.prisma);
  const cache = entitlementCache(deps);
  const followUp = usageFollowUpOf(deps);
  // Accepted events change their customers' metered entitlements: this process's checks see them at once.
  app.openapi(routes.event, async (c) => {
    const { tenantId } = c.get('principal');
    const result = await ingestUsageEvent(batcher, { tenantId, event: toRequest(c.req.valid('json')), now: await now() });
    if (result.status === 'accepted') {
      cache.invalidate(tenantId, [result.customerId], 'usage');
      await followUp.afterIngest(tenantId, [result.customerId], await now());
    }
    return c.json(result, 202);
  });
  app.openapi(routes.batch, async (c) => {
    const { tenantId } = c.get('principal');
    const result = await ingestUsageBatch(deps.prisma, { tenantId, events: c.req.valid('json').events.map(toRequest), now: await now() });
    const customers = result.results.flatMap((item) => (item.status === 'accepted' ? [item.customerId] : []));
    cache.invalidate(tenantId, customers, 'usage');
    await followUp.afterIngest(tenantId, customers, await now());
    return c.json(result, 202);
  });
  app.openapi(routes.getSettings, async (c) => c.json(await getBillingSettings(deps.prisma, { tenantId: c.get('principal').tenantId }), 200));
  app.openapi(routes.putSettings, async (c) => c.json(await saveBillingSettings(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('json') }), 200));
  return app;
}
