import { createRoute, z } from '@hono/zod-openapi';
import { getAuditEvent } from '../../billing/audit/get-audit-event.js';
import { listAuditEvents } from '../../billing/audit/list-audit-events.js';
import { auditEventViewSchema } from '../../billing/audit/views.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { billingRouter, commonErrors, listEnvelope, ok, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['audit'];

const listAuditEventsQuery = z.strictObject({
  objectType: z.string().min(1).max(100).optional().openapi({ example: 'invoice' }),
  objectId: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(300).optional().openapi({ description: 'An API key id (`key_…`), or `workflow:<id>`, `schedule:<id>`, `system`' }),
  action: z.string().min(1).max(100).optional().openapi({ example: 'price.created' }),
  requestId: z.string().min(1).max(200).optional().openapi({ description: 'The X-Request-Id of one API request' }),
  createdFrom: z.iso.datetime().optional().openapi({ description: 'Inclusive' }),
  createdTo: z.iso.datetime().optional().openapi({ description: 'Exclusive' }),
  ...pageQueryShape,
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/v1/audit-events',
    tags,
    summary: 'Who changed what, newest first: by object, actor, action, request or time',
    request: { query: listAuditEventsQuery },
    responses: { 200: ok(pageSchema(auditEventViewSchema, 'AuditEventList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/audit-events/{auditEventId}',
    tags,
    summary: 'One audit event with its before/after view and changed fields',
    request: { params: pathParams('auditEventId') },
    responses: { 200: ok(auditEventViewSchema, 'The event'), ...commonErrors },
  }),
};

export function auditEventRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  app.openapi(routes.list, async (c) => {
    const { createdFrom, createdTo, ...filters } = c.req.valid('query');
    return c.json(
      listEnvelope(
        await listAuditEvents(deps.prisma, {
          tenantId: c.get('principal').tenantId,
          ...filters,
          ...(createdFrom === undefined ? {} : { createdFrom: new Date(createdFrom) }),
          ...(createdTo === undefined ? {} : { createdTo: new Date(createdTo) }),
        }),
      ),
      200,
    );
  });
  app.openapi(routes.get, async (c) => c.json(await getAuditEvent(deps.prisma, { tenantId: c.get('principal').tenantId, auditEventId: c.req.valid('param').auditEventId }), 200));
  return app;
}
