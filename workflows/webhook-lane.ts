import { condition, continueAsNew, defineSignal, executeChild, isCancellation, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { DeliveryLane, OutboundActivities } from '../activities/outbound-activities.js';
import { webhookDeliveryWorkflow } from './webhook-delivery.js';

/** "New deliveries may be in this lane": sent by the relay (with signal-with-start) after it commits them. */
export const laneWorkSignal = defineSignal('laneWork');

const outbound = proxyActivities<OutboundActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** An idle lane waits this long for more before it ends (the next delivery starts it again). */
const IDLE_MS = 60_000;
/** Deliveries per run before continuing as new: the lane's history stays small whatever its traffic. */
const PER_RUN = 200;

export function laneWorkflowId(lane: DeliveryLane): string {
  return `webhook-lane:${lane.endpointId}:${lane.aggregateType}:${lane.aggregateId}`;
}

/**
 * The deliveries of one object to one endpoint, one after another in event order: each the
 * child workflow `webhook-delivery:<id>` with its own retry schedule, so a receiver sees an
 * object's events in the order they happened even across its failures — the next waits until the
 * one before it is delivered or given up. Other objects' lanes run in parallel.
 */
export async function webhookLaneWorkflow(lane: DeliveryLane): Promise<{ delivered: number }> {
  let woken = false;
  setHandler(laneWorkSignal, () => {
    woken = true;
  });
  let delivered = 0;
  let previous: string | null = null;
  for (;;) {
    woken = false;
    const next = await outbound.nextLaneDelivery(lane);
    if (next === null) {
      if (await condition(() => woken, IDLE_MS)) continue;
      return { delivered };
    }
    // The same delivery still pending after its workflow ended: it failed on our side; pause.
    if (next.deliveryId === previous) await sleep(600_000);
    previous = next.deliveryId;
    await executeChild(webhookDeliveryWorkflow, {
      workflowId: `webhook-delivery:${next.deliveryId}`,
      args: [{ tenantId: lane.tenantId, deliveryId: next.deliveryId, trigger: 'scheduled' }],
      taskQueue: workflowInfo().taskQueue,
    }).catch((error: unknown) => {
      // A child that failed is retried from the database state by the next turn of the loop.
      if (isCancellation(error)) throw error;
    });
    delivered += 1;
    if (delivered >= PER_RUN) await continueAsNew<typeof webhookLaneWorkflow>(lane);
  }
}
