import { z } from 'zod';
import type { OutboxEvent } from '../../generated/prisma/client.js';
import { instant } from '../view-fields.js';
import { EVENT_TYPES } from './event-catalog.js';

/**
 * One event as the API lists it and as webhooks carry it (the delivery body is exactly this
 * object): the same `id` everywhere, the catalog's `type` and `apiVersion`, and a thin `data`.
 */
export const eventViewSchema = z
  .object({
    id: z.string().describe('Stable: also the `webhook-id` of every delivery of this event'),
    object: z.literal('event'),
    type: z.string().describe(`One of the event catalog: ${EVENT_TYPES.join(', ')}`),
    apiVersion: z.string().describe('The catalog version `data` follows'),
    tenantId: z.string(),
    createdAt: instant,
    relatedObject: z.object({ type: z.string(), id: z.string() }).describe('The object whose events are delivered in order (invoice, subscription, customer…)'),
    data: z.record(z.string(), z.unknown()).describe('Ids and the fields that changed; money as `{ amount, currency }` in minor units'),
  })
  .meta({ id: 'Event' });

export type EventView = z.infer<typeof eventViewSchema>;

export type EventRow = Pick<OutboxEvent, 'id' | 'tenantId' | 'type' | 'apiVersion' | 'createdAt' | 'aggregateType' | 'aggregateId' | 'payload'>;

export function toEventView(row: EventRow): EventView {
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    apiVersion: row.apiVersion,
    tenantId: row.tenantId,
    createdAt: row.createdAt.toISOString(),
    relatedObject: { type: row.aggregateType, id: row.aggregateId },
    data: (row.payload ?? {}) as Record<string, unknown>,
  };
}
