import { createRoute, z } from '@hono/zod-openapi';
import { invoiceItemFromBody } from '../schemas/invoice-items.js';
import { cancelSubscription } from '../../billing/subscriptions/cancel-subscription.js';
import { changeSubscription } from '../../billing/subscriptions/change-subscription.js';
import { createSubscription } from '../../billing/subscriptions/create-subscription.js';
import { getSubscription } from '../../billing/subscriptions/get-subscription.js';
import { getSubscriptionUsage } from '../../billing/subscriptions/get-subscription-usage.js';
import { getUpcomingInvoice } from '../../billing/subscriptions/get-upcoming-invoice.js';
import { upcomingInvoiceViewSchema } from '../../billing/invoices/views.js';
import { subscriptionUsageViewSchema } from '../../billing/usage/current-usage.js';
import { listSubscriptions } from '../../billing/subscriptions/list-subscriptions.js';
import { pauseSubscription } from '../../billing/subscriptions/pause-subscription.js';
import { previewSubscriptionChange } from '../../billing/subscriptions/preview-subscription-change.js';
import { resumeSubscription } from '../../billing/subscriptions/resume-subscription.js';
import { subscriptionViewSchema } from '../../billing/subscriptions/views.js';
import { derivedId, newId } from '../../ids.js';
import { commandDependencies, type BillingApiDependencies } from '../dependencies.js';
import {
  cancelBody,
  changeItemsBody,
  changePreviewSchema,
  changeResultSchema,
  createSubscriptionBody,
  listSubscriptionsQuery,
  liveStateSchema,
  previewChangeBody,
} from '../schemas/subscriptions.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['subscriptions'];
const subscriptionParams = pathParams('subscriptionId');
const subscriptionWithLive = subscriptionViewSchema
  .extend({ live: liveStateSchema.nullable().optional().describe("With `?live=true` only: the workflow's own view, null when it cannot answer within a second") })
  .openapi('SubscriptionWithLiveState');
const getSubscriptionQuery = z.strictObject({
  live: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe("Also ask the subscription's workflow for its live view (at most a second)"),
});

const createRouteDef = createRoute({
  method: 'post',
  path: '/v1/subscriptions',
  tags,
  summary: 'Create a subscription and start its workflow',
  description: 'A repeated create with the same Idempotency-Key returns the same subscription.',
  request: { headers: idempotencyHeaders, body: jsonBody(createSubscriptionBody) },
  responses: { 201: ok(subscriptionViewSchema, 'Created; the workflow is running'), ...commonErrors },
});

const getRouteDef = createRoute({
  method: 'get',
  path: '/v1/subscriptions/{subscriptionId}',
  tags,
  summary: 'The subscription as stored; with `?live=true`, also its workflow\'s live state',
  request: { params: subscriptionParams, query: getSubscriptionQuery },
  responses: { 200: ok(subscriptionWithLive, 'The subscription (from the database: an indexed read, never waiting on the workflow unless asked)'), ...commonErrors },
});

const listRouteDef = createRoute({
  method: 'get',
  path: '/v1/subscriptions',
  tags,
  summary: 'List subscriptions, newest first',
  request: { query: listSubscriptionsQuery.extend(pageQueryShape) },
  responses: { 200: ok(pageSchema(subscriptionViewSchema, 'SubscriptionList'), 'One page'), ...commonErrors },
});

const previewRouteDef = createRoute({
  method: 'post',
  path: '/v1/subscriptions/{subscriptionId}/preview-change',
  tags,
  summary: 'Preview an item change: the exact proration lines, nothing applied',
  request: { params: subscriptionParams, headers: idempotencyHeaders, body: jsonBody(previewChangeBody) },
  responses: { 200: ok(changePreviewSchema, 'What the change would do'), ...commonErrors },
});

const changeRouteDef = createRoute({
  method: 'post',
  path: '/v1/subscriptions/{subscriptionId}/change',
  tags,
  summary: 'Change the items (upgrade, downgrade, seats)',
  request: { params: subscriptionParams, headers: idempotencyHeaders, body: jsonBody(changeItemsBody) },
  responses: { 200: ok(changeResultSchema, 'Applied, scheduled, pending payment, or refused by payment'), ...commonErrors },
});

const cancelRouteDef = createRoute({
  method: 'post',
  path: '/v1/subscriptions/{subscriptionId}/cancel',
  tags,
  summary: 'Cancel now (optionally crediting unused time) or at period end',
  request: { params: subscriptionParams, headers: idempotencyHeaders, body: jsonBody(cancelBody) },
  responses: { 200: ok(subscriptionWithLive, 'The subscription after the cancellation'), ...commonErrors },
});

function lifecycleRoute(action: 'pause' | 'resume', summary: string) {
  return createRoute({
    method: 'post',
    path: `/v1/subscriptions/{subscriptionId}/${action}`,
    tags,
    summary,
    request: { params: subscriptionParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(subscriptionWithLive, 'The subscription after the change'), ...commonErrors },
  });
}
const usageRouteDef = createRoute({
  method: 'get',
  path: '/v1/subscriptions/{subscriptionId}/usage',
  tags,
  summary: 'Usage not billed yet, per meter window: the quantity so far and what it costs',
  request: { params: subscriptionParams },
  responses: { 200: ok(subscriptionUsageViewSchema, 'The unbilled usage'), ...commonErrors },
});

const upcomingRouteDef = createRoute({
  method: 'get',
  path: '/v1/subscriptions/{subscriptionId}/upcoming-invoice',
  tags,
  summary: 'The next invoice exactly as it would be issued now (fees in advance, usage so far, prorations, discounts, tax, credit)',
  request: { params: subscriptionParams },
  responses: { 200: ok(upcomingInvoiceViewSchema, 'The upcoming invoice; nothing is stored'), ...commonErrors },
});

const pauseRouteDef = lifecycleRoute('pause', 'Pause collection: no invoices until resumed');
const resumeRouteDef = lifecycleRoute('resume', 'Resume: a new period starts now, less credit for paid time the pause left unused');

/** Subscriptions: each handler validates, authorizes (the key's tenant) and delegates to a subscription command. */
export function subscriptionRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const commands = commandDependencies(deps);

  app.openapi(createRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const body = c.req.valid('json');
    const key = c.get('idempotencyScope');
    const created = await createSubscription(commands, {
      tenantId,
      customerId: body.customerId,
      items: body.items,
      startAt: body.startAt === undefined ? undefined : Date.parse(body.startAt),
      trialDays: body.trialDays,
      billingCycleAnchor: body.billingCycleAnchor === undefined ? undefined : Date.parse(body.billingCycleAnchor),
      stubProration: body.prorationBehavior,
      oneTimeItems: body.oneTimeItems?.map(invoiceItemFromBody),
      spendThreshold: body.spendThreshold,
      retryableId: key === undefined ? undefined : derivedId('sub', tenantId, key),
    });
    return c.json(created, 201);
  });

  app.openapi(getRouteDef, async (c) => {
    const { live } = c.req.valid('query');
    return c.json(await getSubscription(commands, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId, live: live ?? false }), 200);
  });

  app.openapi(listRouteDef, async (c) => {
    return c.json(listEnvelope(await listSubscriptions(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200);
  });

  app.openapi(previewRouteDef, async (c) => {
    const preview = await previewSubscriptionChange(commands, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId, ...c.req.valid('json') });
    return c.json(preview, 200);
  });

  app.openapi(changeRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const { changeId, ...body } = c.req.valid('json');
    const scope = c.get('idempotencyScope');
    const id = changeId ?? (scope === undefined ? newId('chg') : derivedId('chg', tenantId, scope));
    return c.json(await changeSubscription(commands, { tenantId, subscriptionId: c.req.valid('param').subscriptionId, changeId: id, ...body }), 200);
  });

  app.openapi(cancelRouteDef, async (c) => {
    const body = c.req.valid('json');
    const canceled = await cancelSubscription(commands, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId, mode: body.mode, prorate: body.prorate });
    return c.json(canceled, 200);
  });

  app.openapi(pauseRouteDef, async (c) => {
    return c.json(await pauseSubscription(commands, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId }), 200);
  });

  app.openapi(resumeRouteDef, async (c) => {
    return c.json(await resumeSubscription(commands, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId }), 200);
  });

  app.openapi(usageRouteDef, async (c) => {
    return c.json(await getSubscriptionUsage(commands, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId }), 200);
  });

  app.openapi(upcomingRouteDef, async (c) => {
    return c.json(await getUpcomingInvoice(commands, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId }), 200);
  });

  return app;
}
