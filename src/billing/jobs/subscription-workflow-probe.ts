import type { AttentionFlag } from '../../../workflows/subscription-messages.js';
import type { PaymentEvent } from '../../payments/payment-events.js';

/** How a subscription's workflow stands, as the stuck-billing sweep sees it. */
export type WorkflowStanding =
  | { state: 'running'; answers: boolean }
  | { state: 'missing' }
  | { state: 'completed' | 'failed' | 'terminated' | 'timed_out' | 'canceled' | 'continued_as_new' };

/**
 * What the scheduled jobs need from the subscription workflows. The implementation is Temporal's
 * (src/temporal/temporal-subscription-workflow-probe.ts); billing never imports Temporal.
 */
export interface SubscriptionWorkflowProbe {
  /** Which of these subscriptions have a running workflow (from visibility: may trail by a moment). */
  runningSubscriptionIds(subscriptionIds: readonly string[]): Promise<Set<string>>;
  /** The workflow's exact standing (describe), and for a running one whether it answers a query in time. */
  standing(subscriptionId: string, options: { query: boolean }): Promise<WorkflowStanding>;
  /** Starts the workflow again from the database with `flags` raised; false if one runs already. */
  restart(input: { tenantId: string; subscriptionId: string; flags: AttentionFlag[] }): Promise<boolean>;
  /** Raises a flag on a running workflow; false when none runs. */
  flag(subscriptionId: string, flag: AttentionFlag): Promise<boolean>;
  /** Asks the workflow to check its spend threshold (as stored usage does); false when none runs. */
  usageAccrued(subscriptionId: string): Promise<boolean>;
  /** Hands a payment fact to the workflow (as a webhook would); false when none runs. */
  deliverPaymentEvent(event: PaymentEvent): Promise<boolean>;
}
