import { z } from 'zod';
import { instant, minorUnits } from '../view-fields.js';

const NEXT_ACTION_KINDS = ['trial_end', 'renewal', 'payment_retry', 'scheduled_change', 'cancellation', 'pending_payment_expiry', 'step_retry', 'none'] as const;

/**
 * One thing an operator should look at. `past_due`: a subscription's renewal could not be
 * collected; `failing`: another open invoice whose charge failed or was refused; `stuck`: billing
 * that is not moving by itself (an unknown charge outcome, a missed renewal, a workflow that is
 * gone or failing or does not answer, a scheduled job's flag).
 */
export const attentionItemViewSchema = z
  .object({
    kind: z.enum(['past_due', 'failing', 'stuck']),
    reason: z
      .string()
      .describe('Machine-readable: `payment_failed`, `hard_decline`, `gateway_rejected`, `payment_outcome_unknown`, `awaiting_customer_action`, `billing_late`, `workflow_terminated` (`workflow_<how it closed>`, `workflow_missing`), `workflow_error`, `not_answering`, a flag’s reason…'),
    message: z.string(),
    since: instant,
    subscriptionId: z.string().nullable(),
    invoiceId: z.string().nullable(),
    customerId: z.string(),
    customerName: z.string().describe("The customer's name, else email, else id"),
    nextRetryAt: instant.nullable().describe("When collection tries again by itself (dunning's next retry, or a failing step's back-off); null: it waits for an operator or the customer"),
    nextAction: z.object({ kind: z.enum(NEXT_ACTION_KINDS), at: instant.nullable() }).nullable().describe("The running workflow's own next step; null when it did not answer or no longer runs"),
    owed: z.object({ amount: minorUnits, currency: z.string() }).nullable().describe('What is owed on the invoice concerned'),
  })
  .meta({ id: 'AttentionItem' });

export type AttentionItemView = z.infer<typeof attentionItemViewSchema>;

export const attentionQueueViewSchema = z
  .object({
    object: z.literal('attention_queue'),
    asOf: instant,
    items: z.array(attentionItemViewSchema).describe('Past due, then failing, then stuck; oldest first within each'),
  })
  .meta({ id: 'AttentionQueue' });

export type AttentionQueueView = z.infer<typeof attentionQueueViewSchema>;
