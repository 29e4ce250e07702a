import type { SandboxState } from './state.js';
import type { StripeObject } from './stripe-objects.js';

/** Which API request caused an operation; Stripe copies it into each event's `request`. */
export interface RequestInfo {
  id: string | null;
  idempotencyKey: string | null;
}

/** What every Stripe operation of the sandbox works with. Operations are synchronous, hence atomic. */
export interface OperationContext {
  state: SandboxState;
  request: RequestInfo;
  /** Unix seconds, Stripe's `created`. */
  now(): number;
  /** Records an event with a snapshot of `object` and queues it for webhook delivery. */
  emit(type: string, object: StripeObject, previousAttributes?: Record<string, unknown>): void;
}
