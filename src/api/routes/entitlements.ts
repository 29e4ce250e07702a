import { createRoute, z } from '@hono/zod-openapi';
import { archiveFeature } from '../../billing/entitlements/archive-feature.js';
import { createFeature } from '../../billing/entitlements/create-feature.js';
import { getFeature } from '../../billing/entitlements/get-feature.js';
import { grantExtraQuota } from '../../billing/entitlements/grant-extra-quota.js';
import { listEntitlementGrants } from '../../billing/entitlements/list-entitlement-grants.js';
import { listEntitlementOverrides } from '../../billing/entitlements/list-entitlement-overrides.js';
import { listFeatures } from '../../billing/entitlements/list-features.js';
import { listPlanEntitlements } from '../../billing/entitlements/list-plan-entitlements.js';
import { removeEntitlementOverride } from '../../billing/entitlements/remove-entitlement-override.js';
import { removePlanEntitlement } from '../../billing/entitlements/remove-plan-entitlement.js';
import { setEntitlementOverride } from '../../billing/entitlements/set-entitlement-override.js';
import { setPlanEntitlement, type PlanRef } from '../../billing/entitlements/set-plan-entitlement.js';
import {
  entitlementGrantViewSchema,
  entitlementOverrideViewSchema,
  entitlementViewSchema,
  featureViewSchema,
  planEntitlementViewSchema,
} from '../../billing/entitlements/views.js';
import { derivedId } from '../../ids.js';
import { billingNow, entitlementCache, type BillingApiDependencies } from '../dependencies.js';
import { createFeatureBody, entitlementGrantBody, entitlementOverrideBody, featureKeyParam, featureParam, listFeaturesQuery, planEntitlementBody } from '../schemas/entitlements.js';
import { billingRouter, commonErrors, completeList, idempotencyHeaders, idParam, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['entitlements'];
const featureParams = z.strictObject({ feature: featureParam });
const withFeature = <K extends string>(name: K) =>
  z.strictObject({ [name]: idParam.openapi({ param: { name, in: 'path' } }), feature: featureParam } as Record<K | 'feature', typeof idParam>);

/** The plan routes exist twice, for a product (every price of it) and for one price. */
function planRoutes(plan: 'product' | 'price') {
  const param = plan === 'product' ? 'productId' : 'priceId';
  const base = plan === 'product' ? '/v1/products/{productId}/entitlements' : '/v1/prices/{priceId}/entitlements';
  const what = plan === 'product' ? 'a product (each of its prices)' : 'one price (replacing its product’s for the feature)';
  return {
    set: createRoute({
      method: 'post',
      path: base,
      tags,
      summary: `Grant a feature to ${what}, with its value or limit; setting it again replaces it`,
      request: { params: pathParams(param), headers: idempotencyHeaders, body: jsonBody(planEntitlementBody) },
      responses: { 200: ok(planEntitlementViewSchema, 'What the plan grants of the feature now'), ...commonErrors },
    }),
    list: createRoute({
      method: 'get',
      path: base,
      tags,
      summary: `What ${plan === 'product' ? 'a product' : 'a price'} grants`,
      request: { params: pathParams(param) },
      responses: { 200: ok(pageSchema(planEntitlementViewSchema, plan === 'product' ? 'ProductEntitlementList' : 'PriceEntitlementList'), 'Its entitlements by feature key'), ...commonErrors },
    }),
    remove: createRoute({
      method: 'delete',
      path: `${base}/{feature}`,
      tags,
      summary: `Stop ${plan === 'product' ? 'a product' : 'a price'} granting a feature`,
      request: { params: withFeature(param) },
      responses: { 200: ok(planEntitlementViewSchema, 'What it granted'), ...commonErrors },
    }),
  };
}

const productPlan = planRoutes('product');
const pricePlan = planRoutes('price');

const routes = {
  createFeature: createRoute({
    method: 'post',
    path: '/v1/features',
    tags,
    summary: 'Create a feature: on/off, a configuration value, or a quota of what a meter counts',
    request: { headers: idempotencyHeaders, body: jsonBody(createFeatureBody) },
    responses: { 201: ok(featureViewSchema, 'Created'), ...commonErrors },
  }),
  listFeatures: createRoute({
    method: 'get',
    path: '/v1/features',
    tags,
    summary: 'List features, newest first',
    request: { query: listFeaturesQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(featureViewSchema, 'FeatureList'), 'One page'), ...commonErrors },
  }),
  getFeature: createRoute({
    method: 'get',
    path: '/v1/features/{feature}',
    tags,
    summary: 'A feature, by id or key',
    request: { params: featureParams },
    responses: { 200: ok(featureViewSchema, 'The feature'), ...commonErrors },
  }),
  archiveFeature: createRoute({
    method: 'post',
    path: '/v1/features/{feature}/archive',
    tags,
    summary: 'Archive a feature: nothing can grant it any more and every check answers hasAccess false',
    request: { params: featureParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(featureViewSchema, 'The archived feature'), ...commonErrors },
  }),
  setOverride: createRoute({
    method: 'post',
    path: '/v1/subscriptions/{subscriptionId}/entitlement-overrides',
    tags,
    summary: 'Override what the plan grants for one subscription: revoke, grant, another value or limit',
    request: { params: pathParams('subscriptionId'), headers: idempotencyHeaders, body: jsonBody(entitlementOverrideBody) },
    responses: { 200: ok(entitlementOverrideViewSchema, 'The override'), ...commonErrors },
  }),
  listOverrides: createRoute({
    method: 'get',
    path: '/v1/subscriptions/{subscriptionId}/entitlement-overrides',
    tags,
    summary: "A subscription's overrides",
    request: { params: pathParams('subscriptionId') },
    responses: { 200: ok(pageSchema(entitlementOverrideViewSchema, 'EntitlementOverrideList'), 'By feature key'), ...commonErrors },
  }),
  removeOverride: createRoute({
    method: 'delete',
    path: '/v1/subscriptions/{subscriptionId}/entitlement-overrides/{feature}',
    tags,
    summary: 'Remove an override: the plan decides again',
    request: { params: withFeature('subscriptionId') },
    responses: { 200: ok(entitlementOverrideViewSchema, 'The removed override'), ...commonErrors },
  }),
  grant: createRoute({
    method: 'post',
    path: '/v1/subscriptions/{subscriptionId}/entitlement-grants',
    tags,
    summary: 'Grant extra quota of a metered feature for the current usage period only',
    request: { params: pathParams('subscriptionId'), headers: idempotencyHeaders, body: jsonBody(entitlementGrantBody) },
    responses: { 201: ok(entitlementGrantViewSchema, 'The grant'), ...commonErrors },
  }),
  listGrants: createRoute({
    method: 'get',
    path: '/v1/subscriptions/{subscriptionId}/entitlement-grants',
    tags,
    summary: "A subscription's extra-quota grants, newest first (the last 100)",
    request: { params: pathParams('subscriptionId') },
    responses: { 200: ok(pageSchema(entitlementGrantViewSchema, 'EntitlementGrantList'), 'Newest first'), ...commonErrors },
  }),
  customerEntitlements: createRoute({
    method: 'get',
    path: '/v1/customers/{customerId}/entitlements',
    tags,
    summary: "Every feature's answer for a customer: access, value, limit, usage, remaining, reset",
    request: { params: pathParams('customerId') },
    responses: { 200: ok(pageSchema(entitlementViewSchema, 'EntitlementList'), 'One answer per feature, by key'), ...commonErrors },
  }),
  customerEntitlement: createRoute({
    method: 'get',
    path: '/v1/customers/{customerId}/entitlements/{featureKey}',
    tags,
    summary: 'May this customer use the feature now? (the hot path: served from a cache the writes invalidate)',
    request: { params: z.strictObject({ customerId: idParam.openapi({ param: { name: 'customerId', in: 'path' } }), featureKey: featureKeyParam }) },
    responses: { 200: ok(entitlementViewSchema, 'The answer'), ...commonErrors },
  }),
};

export function entitlementRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);
  const cache = entitlementCache(deps);
  app.openapi(routes.createFeature, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    return c.json(await createFeature(deps.prisma, { tenantId, ...c.req.valid('json'), ...(scope === undefined ? {} : { id: derivedId('feat', tenantId, scope) }) }), 201);
  });
  app.openapi(routes.listFeatures, async (c) => c.json(listEnvelope(await listFeatures(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200));
  app.openapi(routes.getFeature, async (c) => c.json(await getFeature(deps.prisma, { tenantId: c.get('principal').tenantId, feature: c.req.valid('param').feature }), 200));
  app.openapi(routes.archiveFeature, async (c) => c.json(await archiveFeature(deps.prisma, { tenantId: c.get('principal').tenantId, feature: c.req.valid('param').feature }), 200));

  for (const [plan, planOf] of [
    [productPlan, (params: Record<string, string>): PlanRef => ({ productId: params.productId! })],
    [pricePlan, (params: Record<string, string>): PlanRef => ({ priceId: params.priceId! })],
  ] as const) {
    app.openapi(plan.set, async (c) => {
      const body = c.req.valid('json');
      return c.json(await setPlanEntitlement(deps.prisma, planOf(c.req.valid('param')), { tenantId: c.get('principal').tenantId, ...body }), 200);
    });
    app.openapi(plan.list, async (c) => c.json(completeList(await listPlanEntitlements(deps.prisma, c.get('principal').tenantId, planOf(c.req.valid('param')))), 200));
    app.openapi(plan.remove, async (c) => {
      const params = c.req.valid('param') as Record<string, string>;
      return c.json(await removePlanEntitlement(deps.prisma, c.get('principal').tenantId, planOf(params), params.feature!), 200);
    });
  }

  app.openapi(routes.setOverride, async (c) =>
    c.json(await setEntitlementOverride(deps.prisma, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId, ...c.req.valid('json') }), 200),
  );
  app.openapi(routes.listOverrides, async (c) => c.json(completeList(await listEntitlementOverrides(deps.prisma, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId })), 200));
  app.openapi(routes.removeOverride, async (c) => {
    const { subscriptionId, feature } = c.req.valid('param');
    return c.json(await removeEntitlementOverride(deps.prisma, { tenantId: c.get('principal').tenantId, subscriptionId, feature }), 200);
  });
  app.openapi(routes.grant, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    const grant = await grantExtraQuota(
      deps.prisma,
      { tenantId, subscriptionId: c.req.valid('param').subscriptionId, ...c.req.valid('json'), ...(scope === undefined ? {} : { id: derivedId('egrant', tenantId, scope) }) },
      await now(),
    );
    return c.json(grant, 201);
  });
  app.openapi(routes.listGrants, async (c) => c.json(completeList(await listEntitlementGrants(deps.prisma, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId })), 200));

  app.openapi(routes.customerEntitlements, async (c) => {
    const { answers, source } = await cache.customer(deps.prisma, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId, now: await now() });
    c.header('Entitlement-Cache', source);
    return c.json(completeList(answers), 200);
  });
  app.openapi(routes.customerEntitlement, async (c) => {
    const { customerId, featureKey } = c.req.valid('param');
    const { answer, source } = await cache.feature(deps.prisma, { tenantId: c.get('principal').tenantId, customerId, featureKey, now: await now() });
    // hit: from this process's cache; miss: read now and kept; off: the cache is off or its listener down.
    c.header('Entitlement-Cache', source);
    return c.json(answer, 200);
  });
  return app;
}
