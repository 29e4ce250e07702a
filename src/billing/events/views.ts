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
    data: z.record(z.string(), z.unknown()).describe('Ids and the fields that changed; amounts are integers of minor units, with the `currency` named once'),
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
    data: publicEventData((row.payload ?? {}) as Record<string, unknown>),
  };
}

function isMoney(value: unknown): value is { amount: number; currency: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const { amount, currency } = value as { amount?: unknown; currency?: unknown };
  return keys.length === 2 && typeof amount === 'number' && typeof currency === 'string';
}

/**
 * An event's `data` in the API's one convention: each amount an integer of minor units, and the
 * currency once, as `currency` (every amount of one event is in one currency). The outbox keeps
 * the catalog's `{ amount, currency }` values, which the relay and the emails read.
 */
export function publicEventData(payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  let currency: string | undefined;
  for (const [key, value] of Object.entries(payload)) {
    if (isMoney(value)) {
      data[key] = value.amount;
      currency ??= value.currency.toUpperCase();
    } else {
      data[key] = value;
    }
  }
  if (currency !== undefined && data.currency === undefined) data.currency = currency;
  return data;
}
