import type { Db } from '../db.js';
import { lanesOf, type RelayedBatch } from '../events/relay-outbox-events.js';

/** Stamps deliveries whose lane workflow has been started or signalled. */
export async function markDeliveriesDispatched(db: Db, input: { deliveryIds: string[]; now: Date }): Promise<void> {
  if (input.deliveryIds.length === 0) return;
  await db.webhookDelivery.updateMany({ where: { id: { in: input.deliveryIds }, dispatchedAt: null }, data: { dispatchedAt: input.now } });
}

/**
 * Deliveries relayed but never dispatched — the relay stopped between its commit and starting
 * their lane — older than `olderThan`, by lane, for the relay to dispatch again.
 */
export async function findUndispatchedDeliveries(db: Db, input: { olderThan: Date; limit: number }): Promise<RelayedBatch['lanes']> {
  const rows = await db.webhookDelivery.findMany({
    where: { dispatchedAt: null, createdAt: { lt: input.olderThan } },
    select: { id: true, tenantId: true, endpointId: true, aggregateType: true, aggregateId: true },
    orderBy: { createdAt: 'asc' },
    take: input.limit,
  });
  return lanesOf(rows);
}
