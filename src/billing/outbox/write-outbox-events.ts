import type { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { toJson } from '../db.js';
import { EVENT_API_VERSION, type EventDataByType, type EventType } from '../events/event-catalog.js';

/**
 * One fact for the outbox, written in the transaction of the change it reports, typed by the
 * event catalog. `dedupeKey` is unique per tenant: writing the same fact twice (a retried
 * activity) adds nothing. The aggregate is the object whose events are delivered in order.
 */
export type OutboxEventRow = {
  [T in EventType]: { type: T; aggregateType: string; aggregateId: string; dedupeKey: string; payload: EventDataByType[T] };
}[EventType];

/**
 * Writes events in the caller's transaction, beside the change they report. ON CONFLICT DO
 * NOTHING (skipDuplicates) rather than catching the unique violation, which would abort the
 * whole transaction in Postgres.
 */
export async function writeOutboxEvents(tx: Prisma.TransactionClient, tenantId: string, events: readonly OutboxEventRow[]): Promise<void> {
  if (events.length === 0) return;
  await tx.outboxEvent.createMany({
    data: events.map((event) => ({
      id: newId('evt'),
      tenantId,
      type: event.type,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      dedupeKey: event.dedupeKey,
      apiVersion: EVENT_API_VERSION,
      payload: toJson(event.payload),
    })),
    skipDuplicates: true,
  });
}

type InvoiceEventType = { [T in EventType]: EventDataByType[T] extends { invoiceId: string } ? T : never }[EventType];

/** An invoice fact, delivered in order with the invoice's other events; its dedupe key is `invoice:<id>:<suffix>`. */
export function invoiceEvent<T extends InvoiceEventType>(type: T, invoiceId: string, suffix: string, payload: Omit<EventDataByType[T], 'invoiceId'>): OutboxEventRow {
  return { type, aggregateType: 'invoice', aggregateId: invoiceId, dedupeKey: `invoice:${invoiceId}:${suffix}`, payload: { invoiceId, ...payload } } as unknown as OutboxEventRow;
}
