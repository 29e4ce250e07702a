import type { NextActionView } from '../../../workflows/subscription-messages.js';

/**
 * One thing an operator should look at. `past_due`: a subscription's renewal could not be
 * collected; `failing`: another open invoice whose charge failed or was refused; `stuck`: billing
 * that is not moving by itself (an unknown charge outcome, a missed renewal, a failing workflow
 * step, a scheduled job's flag, a workflow that does not answer).
 */
export interface AttentionItemView {
  kind: 'past_due' | 'failing' | 'stuck';
  /** Machine-readable: `payment_failed`, `hard_decline`, `gateway_rejected`, `payment_outcome_unknown`, `billing_late`, `workflow_error`, a flag's reason… */
  reason: string;
  message: string;
  since: string;
  subscriptionId: string | null;
  invoiceId: string | null;
  customerId: string;
  customerName: string;
  /** When collection tries again by itself (dunning's next retry, or a failing step's back-off); null: it waits for an operator or the customer. */
  nextRetryAt: string | null;
  /** The workflow's own next step, when it answered. */
  nextAction: NextActionView | null;
  /** What is owed on the invoice concerned, minor units. */
  owed: { amount: number; currency: string } | null;
}

export interface AttentionQueueView {
  object: 'attention_queue';
  asOf: string;
  items: AttentionItemView[];
}
