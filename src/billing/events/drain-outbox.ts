import type { PrismaClient } from '../../db/prisma-client.js';
import { findUndispatchedDeliveries, markDeliveriesDispatched } from '../webhook-endpoints/mark-deliveries-dispatched.js';
import type { OutboundDispatcher } from './outbound-dispatcher.js';
import { recordEventMetrics } from './event-metrics.js';
import { relayOutboxEvents } from './relay-outbox-events.js';

export const RELAY_BATCH = 200;
/** Work relayed this long ago and still not dispatched was lost between a commit and a start: dispatched again. */
export const REDISPATCH_AFTER_MS = 30_000;

/**
 * One relay step: a batch of outbox rows to deliveries and email notifications (committed), then
 * the deliveries' lanes handed to their workflows and stamped dispatched (emails are sent from
 * their rows by the email sender). A crash anywhere leaves
 * either rows to relay or deliveries to dispatch, which the next step (or `redispatch`) finds.
 */
export async function relayBatch(prisma: PrismaClient, dispatcher: OutboundDispatcher, now: () => Date): Promise<number> {
  const batch = await relayOutboxEvents(prisma, { limit: RELAY_BATCH, now: now() });
  recordEventMetrics(batch.events);
  if (batch.lanes.length > 0) {
    await dispatcher.dispatchLanes(batch.lanes);
    await markDeliveriesDispatched(prisma, { deliveryIds: batch.lanes.flatMap((lane) => lane.deliveryIds), now: now() });
  }
  return batch.relayed;
}

/** Lanes relayed but not handed to their workflow (the relay stopped in between), handed again. */
export async function redispatch(prisma: PrismaClient, dispatcher: OutboundDispatcher, now: () => Date): Promise<number> {
  const olderThan = new Date(now().getTime() - REDISPATCH_AFTER_MS);
  const lanes = await findUndispatchedDeliveries(prisma, { olderThan, limit: 500 });
  if (lanes.length > 0) {
    await dispatcher.dispatchLanes(lanes);
    await markDeliveriesDispatched(prisma, { deliveryIds: lanes.flatMap((lane) => lane.deliveryIds), now: now() });
  }
  return lanes.length;
}

/** Relays until the outbox is empty (tests and scripts; the relay workflow runs the same steps in a loop). */
export async function drainOutbox(prisma: PrismaClient, dispatcher: OutboundDispatcher, now: () => Date = () => new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const relayed = await relayBatch(prisma, dispatcher, now);
    total += relayed;
    if (relayed < RELAY_BATCH) return total;
  }
}
