import { createRoute } from '@hono/zod-openapi';
import { createApiKey } from '../../billing/api-keys/create-api-key.js';
import { getApiKey } from '../../billing/api-keys/get-api-key.js';
import { listApiKeys } from '../../billing/api-keys/list-api-keys.js';
import { revokeApiKey } from '../../billing/api-keys/revoke-api-key.js';
import { rotateApiKey } from '../../billing/api-keys/rotate-api-key.js';
import { apiKeyViewSchema, issuedApiKeyViewSchema, type IssuedApiKeyView } from '../../billing/api-keys/views.js';
import { derivedId } from '../../ids.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { createApiKeyBody, listApiKeysQuery, rotateApiKeyBody } from '../schemas/api-keys.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['api keys'];
const keyParams = pathParams('apiKeyId');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/api-keys',
    tags,
    summary: 'Issue an API key; its secret is in this response only',
    request: { headers: idempotencyHeaders, body: jsonBody(createApiKeyBody) },
    responses: { 201: ok(issuedApiKeyViewSchema, 'The key with its secret'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/api-keys',
    tags,
    summary: "The tenant's keys, newest first (never their secrets)",
    request: { query: listApiKeysQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(apiKeyViewSchema, 'ApiKeyList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/api-keys/{apiKeyId}',
    tags,
    summary: 'A key (never its secret)',
    request: { params: keyParams },
    responses: { 200: ok(apiKeyViewSchema, 'The key'), ...commonErrors },
  }),
  revoke: createRoute({
    method: 'post',
    path: '/v1/api-keys/{apiKeyId}/revoke',
    tags,
    summary: "Revoke a key at once (never the tenant's last admin key)",
    request: { params: keyParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(apiKeyViewSchema, 'The revoked key'), ...commonErrors },
  }),
  rotate: createRoute({
    method: 'post',
    path: '/v1/api-keys/{apiKeyId}/rotate',
    tags,
    summary: 'Replace a key by a new one with the same name and role; the old one stops now or after a grace period',
    request: { params: keyParams, headers: idempotencyHeaders, body: { required: false, content: { 'application/json': { schema: rotateApiKeyBody } } } },
    responses: { 201: ok(issuedApiKeyViewSchema, 'The new key with its secret'), ...commonErrors },
  }),
};

/** A replay under the same Idempotency-Key answers the key without its secret: secrets are never stored. */
function withoutSecret(key: IssuedApiKeyView): IssuedApiKeyView {
  return { ...key, secret: null };
}

export function apiKeyRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  app.openapi(routes.create, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    const key = await createApiKey(deps.prisma, { tenantId, ...c.req.valid('json'), ...(scope === undefined ? {} : { id: derivedId('key', tenantId, scope) }) });
    c.set('replayBody', withoutSecret(key));
    return c.json(key, 201);
  });
  app.openapi(routes.list, async (c) => c.json(listEnvelope(await listApiKeys(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200));
  app.openapi(routes.get, async (c) => c.json(await getApiKey(deps.prisma, { tenantId: c.get('principal').tenantId, apiKeyId: c.req.valid('param').apiKeyId }), 200));
  // A key changed through this process stops (or changes) here at once; the trigger's notification tells the others.
  app.openapi(routes.revoke, async (c) => {
    const revoked = await revokeApiKey(deps.prisma, { tenantId: c.get('principal').tenantId, apiKeyId: c.req.valid('param').apiKeyId });
    deps.apiKeys?.clear();
    return c.json(revoked, 200);
  });
  app.openapi(routes.rotate, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    const body = (c.req.valid('json') as { expiresInSeconds?: number } | undefined) ?? {};
    const { apiKeyId } = c.req.valid('param');
    const key = await rotateApiKey(deps.prisma, { tenantId, apiKeyId, ...body, ...(scope === undefined ? {} : { id: derivedId('key', tenantId, scope) }) });
    deps.apiKeys?.clear();
    c.set('replayBody', withoutSecret(key));
    return c.json(key, 201);
  });
  return app;
}
