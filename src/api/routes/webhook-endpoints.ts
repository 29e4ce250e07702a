import { createRoute, z } from '@hono/zod-openapi';
import { createWebhookEndpoint } from '../../billing/webhook-endpoints/create-webhook-endpoint.js';
import { deleteWebhookEndpoint } from '../../billing/webhook-endpoints/delete-webhook-endpoint.js';
import { getWebhookDelivery } from '../../billing/webhook-endpoints/get-webhook-delivery.js';
import { getWebhookEndpoint } from '../../billing/webhook-endpoints/get-webhook-endpoint.js';
import { getWebhookEndpointSecret } from '../../billing/webhook-endpoints/get-webhook-endpoint-secret.js';
import { listWebhookDeliveries } from '../../billing/webhook-endpoints/list-webhook-deliveries.js';
import { listWebhookEndpoints } from '../../billing/webhook-endpoints/list-webhook-endpoints.js';
import { retryWebhookDelivery } from '../../billing/webhook-endpoints/retry-webhook-delivery.js';
import { rotateWebhookEndpointSecret } from '../../billing/webhook-endpoints/rotate-webhook-endpoint-secret.js';
import { testWebhookEndpoint } from '../../billing/webhook-endpoints/test-webhook-endpoint.js';
import { updateWebhookEndpoint } from '../../billing/webhook-endpoints/update-webhook-endpoint.js';
import { webhookDeliveryViewSchema, webhookEndpointViewSchema, webhookEndpointWithSecretSchema } from '../../billing/webhook-endpoints/views.js';
import { derivedId } from '../../ids.js';
import { billingNow, webhookEndpointDependencies, webhookRunner, type BillingApiDependencies } from '../dependencies.js';
import { createWebhookEndpointBody, rotateWebhookSecretBody, updateWebhookEndpointBody } from '../schemas/outbound.js';
import { billingRouter, commonErrors, completeList, idempotencyHeaders, jsonBody, listEnvelope, ok, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['webhook endpoints'];

const deliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'succeeded', 'failed', 'endpoint_disabled']).optional(),
  eventId: z.string().min(1).max(200).optional(),
  ...pageQueryShape,
});

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/webhook-endpoints',
    tags,
    summary: 'Register a receiver of signed events (Standard Webhooks); the answer shows its signing secret',
    request: { headers: idempotencyHeaders, body: jsonBody(createWebhookEndpointBody) },
    responses: { 201: ok(webhookEndpointWithSecretSchema, 'The endpoint with its secret'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/webhook-endpoints',
    tags,
    summary: "The tenant's webhook endpoints, oldest first",
    responses: { 200: ok(pageSchema(webhookEndpointViewSchema, 'WebhookEndpointList'), 'Every endpoint'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/webhook-endpoints/{webhookEndpointId}',
    tags,
    summary: 'One webhook endpoint',
    request: { params: pathParams('webhookEndpointId') },
    responses: { 200: ok(webhookEndpointViewSchema, 'The endpoint'), ...commonErrors },
  }),
  update: createRoute({
    method: 'patch',
    path: '/v1/webhook-endpoints/{webhookEndpointId}',
    tags,
    summary: 'Change the URL, the event types, the description, or enable / disable',
    request: { params: pathParams('webhookEndpointId'), body: jsonBody(updateWebhookEndpointBody) },
    responses: { 200: ok(webhookEndpointViewSchema, 'The endpoint'), ...commonErrors },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/v1/webhook-endpoints/{webhookEndpointId}',
    tags,
    summary: 'Stop delivering to an endpoint',
    request: { params: pathParams('webhookEndpointId') },
    responses: { 200: ok(webhookEndpointViewSchema.extend({ deleted: z.literal(true) }).openapi('DeletedWebhookEndpoint'), 'Deleted'), ...commonErrors },
  }),
  secret: createRoute({
    method: 'get',
    path: '/v1/webhook-endpoints/{webhookEndpointId}/secret',
    tags,
    summary: 'The signing secret (and the previous one during a rotation)',
    request: { params: pathParams('webhookEndpointId') },
    responses: {
      200: ok(z.object({ object: z.literal('webhook_endpoint_secret'), secret: z.string(), previousSecret: z.string().nullable(), previousSecretExpiresAt: z.string().nullable() }).openapi('WebhookEndpointSecret'), 'The secret'),
      ...commonErrors,
    },
  }),
  rotate: createRoute({
    method: 'post',
    path: '/v1/webhook-endpoints/{webhookEndpointId}/rotate-secret',
    tags,
    summary: 'A new signing secret; the old one keeps signing beside it for 24 hours (or as asked)',
    request: { params: pathParams('webhookEndpointId'), headers: idempotencyHeaders, body: jsonBody(rotateWebhookSecretBody) },
    responses: { 200: ok(webhookEndpointWithSecretSchema, 'The endpoint with its new secret'), ...commonErrors },
  }),
  test: createRoute({
    method: 'post',
    path: '/v1/webhook-endpoints/{webhookEndpointId}/test',
    tags,
    summary: 'Send a webhook_endpoint.test event to this endpoint now; answers the attempt',
    request: { params: pathParams('webhookEndpointId'), headers: idempotencyHeaders },
    responses: { 200: ok(webhookDeliveryViewSchema, 'The test delivery with its attempt'), ...commonErrors },
  }),
  deliveries: createRoute({
    method: 'get',
    path: '/v1/webhook-endpoints/{webhookEndpointId}/deliveries',
    tags,
    summary: 'Every delivery to the endpoint, newest first, each with its attempts (status, response code, duration)',
    request: { params: pathParams('webhookEndpointId'), query: deliveriesQuery },
    responses: { 200: ok(pageSchema(webhookDeliveryViewSchema, 'WebhookDeliveryList'), 'One page'), ...commonErrors },
  }),
  delivery: createRoute({
    method: 'get',
    path: '/v1/webhook-endpoints/{webhookEndpointId}/deliveries/{webhookDeliveryId}',
    tags,
    summary: 'One delivery with its attempts',
    request: { params: pathParams('webhookEndpointId', 'webhookDeliveryId') },
    responses: { 200: ok(webhookDeliveryViewSchema, 'The delivery'), ...commonErrors },
  }),
  retry: createRoute({
    method: 'post',
    path: '/v1/webhook-endpoints/{webhookEndpointId}/deliveries/{webhookDeliveryId}/retry',
    tags,
    summary: 'Replay a delivery now (same webhook-id, fresh signature); answers it with the new attempt',
    request: { params: pathParams('webhookEndpointId', 'webhookDeliveryId'), headers: idempotencyHeaders },
    responses: { 200: ok(webhookDeliveryViewSchema, 'The delivery'), ...commonErrors },
  }),
};

export function webhookEndpointRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);
  const tenantOf = (c: { get(key: 'principal'): { tenantId: string } }) => c.get('principal').tenantId;
  app.openapi(routes.create, async (c) => {
    const tenantId = tenantOf(c);
    const scope = c.get('idempotencyScope');
    const created = await createWebhookEndpoint(deps.prisma, webhookEndpointDependencies(deps), { tenantId, ...c.req.valid('json'), ...(scope === undefined ? {} : { id: derivedId('we', tenantId, scope) }) });
    return c.json(created, 201);
  });
  app.openapi(routes.list, async (c) => c.json(completeList(await listWebhookEndpoints(deps.prisma, { tenantId: tenantOf(c) })), 200));
  app.openapi(routes.get, async (c) => c.json(await getWebhookEndpoint(deps.prisma, { tenantId: tenantOf(c), endpointId: c.req.valid('param').webhookEndpointId }), 200));
  app.openapi(routes.update, async (c) =>
    c.json(await updateWebhookEndpoint(deps.prisma, webhookEndpointDependencies(deps), { tenantId: tenantOf(c), endpointId: c.req.valid('param').webhookEndpointId, ...c.req.valid('json') }), 200),
  );
  app.openapi(routes.delete, async (c) => c.json(await deleteWebhookEndpoint(deps.prisma, { tenantId: tenantOf(c), endpointId: c.req.valid('param').webhookEndpointId }, new Date(await now())), 200));
  app.openapi(routes.secret, async (c) => c.json(await getWebhookEndpointSecret(deps.prisma, { tenantId: tenantOf(c), endpointId: c.req.valid('param').webhookEndpointId }), 200));
  app.openapi(routes.rotate, async (c) =>
    c.json(await rotateWebhookEndpointSecret(deps.prisma, { tenantId: tenantOf(c), endpointId: c.req.valid('param').webhookEndpointId, ...c.req.valid('json') }, new Date(await now())), 200),
  );
  app.openapi(routes.test, async (c) => {
    const tenantId = tenantOf(c);
    const scope = c.get('idempotencyScope');
    const endpointId = c.req.valid('param').webhookEndpointId;
    return c.json(await testWebhookEndpoint(deps.prisma, webhookRunner(deps), { tenantId, endpointId, ...(scope === undefined ? {} : { testId: derivedId('test', tenantId, scope) }) }, new Date(await now())), 200);
  });
  app.openapi(routes.deliveries, async (c) =>
    c.json(listEnvelope(await listWebhookDeliveries(deps.prisma, { tenantId: tenantOf(c), endpointId: c.req.valid('param').webhookEndpointId, ...c.req.valid('query') })), 200),
  );
  app.openapi(routes.delivery, async (c) => {
    const { webhookEndpointId, webhookDeliveryId } = c.req.valid('param');
    return c.json(await getWebhookDelivery(deps.prisma, { tenantId: tenantOf(c), endpointId: webhookEndpointId, deliveryId: webhookDeliveryId }), 200);
  });
  app.openapi(routes.retry, async (c) => {
    const tenantId = tenantOf(c);
    const scope = c.get('idempotencyScope');
    const { webhookEndpointId, webhookDeliveryId } = c.req.valid('param');
    return c.json(await retryWebhookDelivery(deps.prisma, webhookRunner(deps), { tenantId, endpointId: webhookEndpointId, deliveryId: webhookDeliveryId, ...(scope === undefined ? {} : { replayKey: derivedId('replay', tenantId, scope) }) }), 200);
  });
  return app;
}
