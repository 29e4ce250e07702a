import { createRoute } from '@hono/zod-openapi';
import { getSpendThreshold } from '../../billing/subscriptions/get-spend-threshold.js';
import { setSpendThreshold, spendThresholdViewSchema } from '../../billing/subscriptions/set-spend-threshold.js';
import { createUsageAlert } from '../../billing/usage-alerts/create-usage-alert.js';
import { deleteUsageAlert } from '../../billing/usage-alerts/delete-usage-alert.js';
import { listUsageAlerts } from '../../billing/usage-alerts/list-usage-alerts.js';
import { usageAlertViewSchema } from '../../billing/usage-alerts/views.js';
import { derivedId } from '../../ids.js';
import { billingNow, usageFollowUpOf, type BillingApiDependencies } from '../dependencies.js';
import { spendThresholdBody, usageAlertBody } from '../schemas/entitlements.js';
import { billingRouter, commonErrors, completeList, idempotencyHeaders, jsonBody, ok, pageSchema, pathParams } from './router.js';

const tags = ['usage'];

const routes = {
  createAlert: createRoute({
    method: 'post',
    path: '/v1/subscriptions/{subscriptionId}/usage-alerts',
    tags,
    summary: 'Alert on a meter’s usage: each threshold fires once per period (event usage.threshold_reached)',
    request: { params: pathParams('subscriptionId'), headers: idempotencyHeaders, body: jsonBody(usageAlertBody) },
    responses: { 201: ok(usageAlertViewSchema, 'The alert (thresholds already crossed have fired)'), ...commonErrors },
  }),
  listAlerts: createRoute({
    method: 'get',
    path: '/v1/subscriptions/{subscriptionId}/usage-alerts',
    tags,
    summary: "A subscription's usage alerts with their recent firings",
    request: { params: pathParams('subscriptionId') },
    responses: { 200: ok(pageSchema(usageAlertViewSchema, 'UsageAlertList'), 'Oldest first'), ...commonErrors },
  }),
  deleteAlert: createRoute({
    method: 'delete',
    path: '/v1/subscriptions/{subscriptionId}/usage-alerts/{usageAlertId}',
    tags,
    summary: 'Remove a usage alert',
    request: { params: pathParams('subscriptionId', 'usageAlertId') },
    responses: { 200: ok(usageAlertViewSchema, 'The removed alert'), ...commonErrors },
  }),
  setThreshold: createRoute({
    method: 'put',
    path: '/v1/subscriptions/{subscriptionId}/spend-threshold',
    tags,
    summary: 'Progressive billing: invoice the usage accrued in the open period as soon as it reaches this amount',
    request: { params: pathParams('subscriptionId'), body: jsonBody(spendThresholdBody) },
    responses: { 200: ok(spendThresholdViewSchema, 'The threshold'), ...commonErrors },
  }),
  getThreshold: createRoute({
    method: 'get',
    path: '/v1/subscriptions/{subscriptionId}/spend-threshold',
    tags,
    summary: "The subscription's spend threshold",
    request: { params: pathParams('subscriptionId') },
    responses: { 200: ok(spendThresholdViewSchema, 'The threshold (amount null: none)'), ...commonErrors },
  }),
};

export function usageAlertRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);
  app.openapi(routes.createAlert, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    const alert = await createUsageAlert(
      deps.prisma,
      { tenantId, subscriptionId: c.req.valid('param').subscriptionId, ...c.req.valid('json'), ...(scope === undefined ? {} : { id: derivedId('ualert', tenantId, scope) }) },
      await now(),
    );
    usageFollowUpOf(deps).invalidate(tenantId);
    return c.json(alert, 201);
  });
  app.openapi(routes.listAlerts, async (c) => c.json(completeList(await listUsageAlerts(deps.prisma, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId })), 200));
  app.openapi(routes.deleteAlert, async (c) => c.json(await deleteUsageAlert(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('param') }), 200));
  app.openapi(routes.setThreshold, async (c) => {
    const { subscriptionId } = c.req.valid('param');
    const { tenantId } = c.get('principal');
    const threshold = await setSpendThreshold(deps.prisma, { tenantId, subscriptionId, amount: c.req.valid('json').amount });
    usageFollowUpOf(deps).invalidate(tenantId);
    // Usage may already stand above it: the workflow checks now.
    if (threshold.amount !== null) await deps.workflows.usageAccrued([subscriptionId]);
    return c.json(threshold, 200);
  });
  app.openapi(routes.getThreshold, async (c) => c.json(await getSpendThreshold(deps.prisma, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId }), 200));
  return app;
}
