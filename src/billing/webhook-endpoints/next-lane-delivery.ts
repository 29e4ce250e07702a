import type { Db } from '../db.js';
import type { DeliveryLane } from '../events/relay-outbox-events.js';

/** The lane's next delivery: its oldest pending one in event order, or null when the lane is empty. */
export async function nextLaneDelivery(db: Db, lane: DeliveryLane): Promise<{ deliveryId: string } | null> {
  const next = await db.webhookDelivery.findFirst({
    where: { endpointId: lane.endpointId, aggregateType: lane.aggregateType, aggregateId: lane.aggregateId, status: 'pending', tenantId: lane.tenantId },
    orderBy: { eventSeq: 'asc' },
    select: { id: true },
  });
  return next === null ? null : { deliveryId: next.id };
}
