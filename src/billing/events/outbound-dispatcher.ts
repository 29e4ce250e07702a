import type { DeliveryLane } from './relay-outbox-events.js';

/**
 * How the relay hands work to durable workflows: a lane's workflow started (or woken, if it runs),
 * an email's workflow started (once per notification). Temporal's implementation is in
 * src/temporal/temporal-outbound-dispatcher.ts; billing never imports Temporal.
 */
export interface OutboundDispatcher {
  dispatchLanes(lanes: readonly DeliveryLane[]): Promise<void>;
  dispatchEmails(emails: ReadonlyArray<{ tenantId: string; notificationId: string }>): Promise<void>;
}
