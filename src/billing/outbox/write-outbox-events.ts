import type { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { toJson } from '../db.js';

/**
 * One fact for the outbox, written in the transaction of the change it reports. `dedupeKey` is
 * unique per tenant: writing the same fact twice (a retried activity) adds nothing.
 */
export interface OutboxEventRow {
  type: string;
  aggregateType: string;
  aggregateId: string;
  dedupeKey: string;
  payload: Record<string, unknown>;
}

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
      payload: toJson(event.payload),
    })),
    skipDuplicates: true,
  });
}

/** An invoice fact; its dedupe key is `invoice:<id>:<suffix>`. */
export function invoiceEvent(type: string, invoiceId: string, suffix: string, payload: Record<string, unknown>): OutboxEventRow {
  return { type, aggregateType: 'invoice', aggregateId: invoiceId, dedupeKey: `invoice:${invoiceId}:${suffix}`, payload: { invoiceId, ...payload } };
}
