import { createRoute, z } from '@hono/zod-openapi';
import { getEvent } from '../../billing/events/get-event.js';
import { listEvents } from '../../billing/events/list-events.js';
import { eventViewSchema } from '../../billing/events/views.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { billingRouter, commonErrors, listEnvelope, ok, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['events'];

const listEventsQuery = z.strictObject({
  type: z.string().min(1).max(2000).optional().openapi({ description: 'Event types, comma-separated; `invoice.*` for every invoice event', example: 'invoice.paid,invoice.payment_failed' }),
  objectId: z.string().min(1).max(200).optional().openapi({ description: 'Events of this object, or naming it in their data (a customer, subscription or invoice id)' }),
  createdFrom: z.iso.datetime().optional().openapi({ description: 'Inclusive' }),
  createdTo: z.iso.datetime().optional().openapi({ description: 'Exclusive' }),
  ...pageQueryShape,
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/v1/events',
    tags,
    summary: 'The event log, newest first (the events webhooks deliver): by type, by object, by time',
    request: { query: listEventsQuery },
    responses: { 200: ok(pageSchema(eventViewSchema, 'EventList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/events/{eventId}',
    tags,
    summary: 'One event, exactly as webhooks deliver it',
    request: { params: pathParams('eventId') },
    responses: { 200: ok(eventViewSchema, 'The event'), ...commonErrors },
  }),
};

export function eventRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  app.openapi(routes.list, async (c) => {
    const { type, createdFrom, createdTo, ...filters } = c.req.valid('query');
    return c.json(
      listEnvelope(
        await listEvents(deps.prisma, {
          tenantId: c.get('principal').tenantId,
          ...filters,
          ...(type === undefined ? {} : { types: type.split(',').map((t) => t.trim()) }),
          ...(createdFrom === undefined ? {} : { createdFrom: new Date(createdFrom) }),
          ...(createdTo === undefined ? {} : { createdTo: new Date(createdTo) }),
        }),
      ),
      200,
    );
  });
  app.openapi(routes.get, async (c) => c.json(await getEvent(deps.prisma, { tenantId: c.get('principal').tenantId, eventId: c.req.valid('param').eventId }), 200));
  return app;
}
