import { createRoute } from '@hono/zod-openapi';
import { archiveMeter } from '../../billing/meters/archive-meter.js';
import { createMeter } from '../../billing/meters/create-meter.js';
import { getMeter } from '../../billing/meters/get-meter.js';
import { listMeters } from '../../billing/meters/list-meters.js';
import { updateMeter } from '../../billing/meters/update-meter.js';
import { meterViewSchema } from '../../billing/meters/views.js';
import { derivedId } from '../../ids.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { createMeterBody, listMetersQuery, updateMeterBody } from '../schemas/usage.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['usage'];
const meterParams = pathParams('meterId');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/meters',
    tags,
    summary: 'Create a meter: which events it reads and how a window of them becomes a quantity',
    request: { headers: idempotencyHeaders, body: jsonBody(createMeterBody) },
    responses: { 201: ok(meterViewSchema, 'Created'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/meters',
    tags,
    summary: 'List meters, newest first',
    request: { query: listMetersQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(meterViewSchema, 'MeterList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/meters/{meterId}',
    tags,
    summary: 'A meter',
    request: { params: meterParams },
    responses: { 200: ok(meterViewSchema, 'The meter'), ...commonErrors },
  }),
  update: createRoute({
    method: 'post',
    path: '/v1/meters/{meterId}',
    tags,
    summary: 'Rename a meter; change what it reads only while no price uses it and it has counted nothing',
    request: { params: meterParams, headers: idempotencyHeaders, body: jsonBody(updateMeterBody) },
    responses: { 200: ok(meterViewSchema, 'The meter after the update'), ...commonErrors },
  }),
  archive: createRoute({
    method: 'post',
    path: '/v1/meters/{meterId}/archive',
    tags,
    summary: 'Archive a meter: no new prices on it; existing ones keep billing it',
    request: { params: meterParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(meterViewSchema, 'The archived meter'), ...commonErrors },
  }),
};

export function meterRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  app.openapi(routes.create, async (c) => {
    const { tenantId } = c.get('principal');
    const key = c.get('idempotencyScope');
    return c.json(await createMeter(deps.prisma, { tenantId, ...c.req.valid('json'), ...(key === undefined ? {} : { id: derivedId('meter', tenantId, key) }) }), 201);
  });
  app.openapi(routes.list, async (c) => c.json(listEnvelope(await listMeters(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200));
  app.openapi(routes.get, async (c) => c.json(await getMeter(deps.prisma, { tenantId: c.get('principal').tenantId, meterId: c.req.valid('param').meterId }), 200));
  app.openapi(routes.update, async (c) => c.json(await updateMeter(deps.prisma, { tenantId: c.get('principal').tenantId, meterId: c.req.valid('param').meterId, ...c.req.valid('json') }), 200));
  app.openapi(routes.archive, async (c) => c.json(await archiveMeter(deps.prisma, { tenantId: c.get('principal').tenantId, meterId: c.req.valid('param').meterId }), 200));
  return app;
}
