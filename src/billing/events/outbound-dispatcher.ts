import type { DeliveryLane } from './relay-outbox-events.js';

/**
 * How the relay hands deliveries to durable workflows: a lane's workflow started, or woken if it
 * runs. Temporal's implementation is in src/temporal/temporal-outbound.ts; billing never imports
 * Temporal.
 */
export interface OutboundDispatcher {
  dispatchLanes(lanes: readonly DeliveryLane[]): Promise<void>;
}
