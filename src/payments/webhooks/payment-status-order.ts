/**
 * Webhooks arrive out of order (Stripe does not guarantee ordering) and more than once. For one
 * PaymentIntent a status may only move forward: `succeeded` is final, so a `requires_action` or
 * `payment_failed` that arrives after it is stale. Among "not paid yet" states the newer event
 * (by the gateway's `created` time) wins.
 */
export type TrackedPaymentStatus = 'requires_action' | 'failed' | 'succeeded';

const RANK: Record<TrackedPaymentStatus, number> = { requires_action: 1, failed: 1, succeeded: 2 };

export interface KnownPaymentStatus {
  status: TrackedPaymentStatus;
  eventCreated: Date;
}

/** Whether an event reporting `next` at `eventCreated` is news, given what we already know. */
export function isNewerPaymentStatus(known: KnownPaymentStatus | null, next: TrackedPaymentStatus, eventCreated: Date): boolean {
  if (!known) return true;
  const rankDelta = RANK[next] - RANK[known.status];
  if (rankDelta !== 0) return rankDelta > 0;
  if (next === 'succeeded') return false; // the same success reported again
  return eventCreated.getTime() >= known.eventCreated.getTime();
}
