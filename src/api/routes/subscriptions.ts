import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/common';
import { failure, isBillingError } from '../../billing/failures.js';
import { createSubscriptionRecord } from '../../billing/subscriptions/create-subscription-record.js';
import { getSubscriptionRecord } from '../../billing/subscriptions/get-subscription-record.js';
import { listSubscriptions } from '../../billing/subscriptions/list-subscriptions.js';
import { subscriptionViewSchema } from '../../billing/subscriptions/views.js';
import { derivedId, newId } from '../../ids.js';
import { querySubscriptionState, startSubscriptionWorkflow, subscriptionHandle } from '../../temporal/subscription-client.js';
import { cancelUpdate, changeItemsUpdate, pauseCollectionUpdate, previewChangeUpdate, resumeCollectionUpdate } from '../../../workflows/subscription-messages.js';
import { billingNow, type BillingApiDependencies } from '../dependencies.js';
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
const subscriptionWithLive = subscriptionViewSchema.extend({ live: liveStateSchema.nullable() }).openapi('SubscriptionWithLiveState');
/** A subscription may start a little in the past (clock skew, queueing); backdating is not supported. */
const START_TOLERANCE_MS = 5 * 60_000;

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
  summary: 'The subscription record and its live workflow state',
  request: { params: subscriptionParams },
  responses: { 200: ok(subscriptionWithLive, 'The subscription; `live` is null when the workflow cannot answer'), ...commonErrors },
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
const pauseRouteDef = lifecycleRoute('pause', 'Pause collection: no invoices until resumed');
const resumeRouteDef = lifecycleRoute('resume', 'Resume: a new period starts now, less credit for paid time the pause left unused');

async function discardIfNeverStarted(deps: BillingApiDependencies, tenantId: string, subscriptionId: string): Promise<void> {
  try {
    await subscriptionHandle(deps.temporal, subscriptionId).describe();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) return; // unknown: keep the row, the workflow may exist
    await deps.prisma.subscription.deleteMany({ where: { id: subscriptionId, tenantId } });
  }
}

/** Subscriptions: writes go to the subscription's workflow (start, Updates); reads come from Postgres plus its query. */
export function subscriptionRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);

  /** The record, for this tenant only (404 otherwise), with the workflow's live state. */
  async function withLive(tenantId: string, subscriptionId: string) {
    const record = await getSubscriptionRecord(deps.prisma, { tenantId, subscriptionId });
    return { ...record, live: await querySubscriptionState(deps.temporal, subscriptionId) };
  }

  /** Tenant check before any workflow is touched: another tenant's id is a 404 like a missing one. */
  async function handleFor(tenantId: string, subscriptionId: string) {
    const record = await getSubscriptionRecord(deps.prisma, { tenantId, subscriptionId });
    if (record.status === 'canceled' && record.endedAt !== null) {
      throw failure('subscription_canceled', `Subscription ${subscriptionId} has ended`, { subscriptionId, endedAt: record.endedAt });
    }
    return subscriptionHandle(deps.temporal, subscriptionId);
  }

  app.openapi(createRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const body = c.req.valid('json');
    const key = c.get('idempotencyScope');
    const current = await now();
    const startAt = body.startAt === undefined ? current : Date.parse(body.startAt);
    if (startAt < current - START_TOLERANCE_MS) {
      throw failure('start_in_past', 'startAt may not be in the past', { field: 'body.startAt', now: new Date(current).toISOString() });
    }
    const subscriptionId = key === undefined ? newId('sub') : derivedId('sub', tenantId, key);
    try {
      await createSubscriptionRecord(deps.prisma, { tenantId, customerId: body.customerId, items: body.items, startAt, trialDays: body.trialDays, id: subscriptionId });
    } catch (error) {
      // A retry of a create that stored its row but died before answering: carry on to the workflow.
      if (!(key !== undefined && isBillingError(error, 'subscription_already_exists'))) throw error;
    }
    try {
      await startSubscriptionWorkflow(deps.temporal, { tenantId, subscriptionId, taskQueue: deps.taskQueue });
    } catch (error) {
      // Without a key the client cannot finish this create by retrying, so a row whose workflow
      // surely never started is removed rather than left half-made. With a key, the retry finishes it.
      if (key === undefined) await discardIfNeverStarted(deps, tenantId, subscriptionId);
      throw error;
    }
    return c.json(await getSubscriptionRecord(deps.prisma, { tenantId, subscriptionId }), 201);
  });

  app.openapi(getRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    return c.json(await withLive(tenantId, c.req.valid('param').subscriptionId), 200);
  });

  app.openapi(listRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    return c.json(listEnvelope(await listSubscriptions(deps.prisma, { tenantId, ...c.req.valid('query') })), 200);
  });

  app.openapi(previewRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const { subscriptionId } = c.req.valid('param');
    const handle = await handleFor(tenantId, subscriptionId);
    const preview = await handle.executeUpdate(previewChangeUpdate, { args: [{ ...c.req.valid('json'), changeId: `preview:${newId('chg')}` }] });
    return c.json(preview, 200);
  });

  app.openapi(changeRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const { subscriptionId } = c.req.valid('param');
    const body = c.req.valid('json');
    const scope = c.get('idempotencyScope');
    const changeId = body.changeId ?? (scope === undefined ? newId('chg') : derivedId('chg', tenantId, scope));
    const handle = await handleFor(tenantId, subscriptionId);
    // The update id makes Temporal itself deduplicate a retried change, and the workflow applies
    // each changeId once: two layers under the HTTP idempotency key.
    const result = await handle.executeUpdate(changeItemsUpdate, { args: [{ ...body, changeId }], updateId: `change:${changeId}` });
    return c.json(result, 200);
  });

  app.openapi(cancelRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const { subscriptionId } = c.req.valid('param');
    const handle = await handleFor(tenantId, subscriptionId);
    const body = c.req.valid('json');
    await handle.executeUpdate(cancelUpdate, { args: [{ mode: body.mode, ...(body.prorate === undefined ? {} : { prorate: body.prorate }) }] });
    return c.json(await withLive(tenantId, subscriptionId), 200);
  });

  app.openapi(pauseRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const { subscriptionId } = c.req.valid('param');
    await (await handleFor(tenantId, subscriptionId)).executeUpdate(pauseCollectionUpdate);
    return c.json(await withLive(tenantId, subscriptionId), 200);
  });

  app.openapi(resumeRouteDef, async (c) => {
    const { tenantId } = c.get('principal');
    const { subscriptionId } = c.req.valid('param');
    await (await handleFor(tenantId, subscriptionId)).executeUpdate(resumeCollectionUpdate);
    return c.json(await withLive(tenantId, subscriptionId), 200);
  });

  return app;
}
