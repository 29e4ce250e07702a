import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CreditNoteView } from '../src/billing/credit-notes/views.js';
import type { CreateInvoiceInput } from '../activities/types.js';
import type { SubscriptionStatus } from './subscription-status.js';
import type { BillingInterval, Money } from '../src/domain/index.js';
import type { PaymentEvent } from '../src/payments/payment-events.js';
import type { AttentionFlagReason } from './attention-flags.js';

/**
 * Everything a client can send to or ask of a subscription workflow (`subscription:<id>`). The
 * API and the simulator import these definitions; the workflow handles them. Changes arrive as
 * Updates with validators, so the caller gets a synchronous, validated answer; payment facts
 * arrive as signals; state is read by query.
 */

export type ProrationBehavior = 'create_prorations' | 'always_invoice' | 'none';

export interface ItemRequest {
  priceId: string;
  /** Whole units (seats); at least 1. */
  quantity: number;
}

export interface ChangeItemsRequest {
  /** Makes the change idempotent: the same id is applied once and its result returned again. */
  changeId: string;
  /** The complete new set of items (a base fee plus seats is two items). */
  items: ItemRequest[];
  /** Defaults to `create_prorations` (Stripe's default): the proration lines go on the next invoice. */
  prorationBehavior?: ProrationBehavior;
  /** Defaults to `now` for an upgrade and `period_end` for a downgrade. */
  effective?: 'now' | 'period_end';
}

export interface ProrationLineView {
  priceId: string;
  kind: 'unused_time' | 'remaining_time' | 'new_period';
  description: string;
  amount: Money;
  quantity: string;
  periodStart: string;
  periodEnd: string;
}

/** What a change would do, computed by the same function that invoices it. */
export interface ChangePreview {
  direction: 'upgrade' | 'downgrade' | 'unchanged';
  effective: 'now' | 'period_end';
  effectiveAt: string;
  prorationBehavior: ProrationBehavior;
  /** Empty when nothing is prorated (effective at period end, behaviour `none`, or a trial). */
  lines: ProrationLineView[];
  credit: Money;
  charge: Money;
  net: Money;
  /** True when the interval changes: the billing cycle restarts at the change. */
  anchorReset: boolean;
}

export interface ChangeItemsResult {
  changeId: string;
  /**
   * applied: in force now; scheduled: at period end; pending_payment: waits for the customer to
   * authenticate the payment of its invoice; payment_failed: the upgrade's invoice could not be
   * paid and the change was not applied.
   */
  status: 'applied' | 'scheduled' | 'pending_payment' | 'payment_failed';
  preview: ChangePreview;
  invoiceId: string | null;
  declineCode: string | null;
}

export interface CancelRequest {
  mode: 'now' | 'period_end';
  /** With `now`: credit the unused part of the period to the customer's balance. */
  prorate?: boolean;
}

export interface PeriodView {
  index: number;
  start: string;
  end: string;
}

export interface CollectionView {
  invoiceId: string;
  attempts: number;
  nextRetryAt: string | null;
  waitingForCustomer: boolean;
  lastDeclineCode: string | null;
  /** Set when the gateway refused the charge: collection of this invoice waits for an operator. */
  attention: { reason: string; message: string; since: string } | null;
}

export interface NextActionView {
  kind: 'trial_end' | 'renewal' | 'payment_retry' | 'scheduled_change' | 'cancellation' | 'pending_payment_expiry' | 'step_retry' | 'none';
  at: string | null;
}

/**
 * Why billing waits for an operator: `workflow_error` (a step failed) or `gateway_rejected` (an
 * invoice's charge was refused), or a flag a scheduled job raised (see AttentionFlag).
 */
export interface AttentionView {
  reason: 'workflow_error' | 'gateway_rejected' | AttentionFlagReason;
  message: string;
  since: string;
  /** The invoice concerned, for a gateway rejection. */
  invoiceId: string | null;
  /** When a failed step is tried again by itself (null: only an operator's action retries it). */
  retryAt: string | null;
}

export interface SubscriptionView {
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  status: SubscriptionStatus;
  currency: string;
  interval: BillingInterval;
  billingAnchor: string;
  currentPeriod: PeriodView | null;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  endedAt: string | null;
  pausedAt: string | null;
  items: ItemRequest[];
  scheduledChange: { changeId: string; items: ItemRequest[]; effectiveAt: string } | null;
  pendingPaymentChange: { changeId: string; items: ItemRequest[]; invoiceId: string; expiresAt: string } | null;
  /** Proration lines waiting for the next invoice. */
  pendingProrations: Money;
  /** Invoices being collected (dunning), oldest first. */
  collections: CollectionView[];
  nextAction: NextActionView;
  attention: AttentionView | null;
}

export interface PaymentMethodUpdate {
  /** The gateway's id of the new default method, if known. */
  paymentMethodId: string | null;
}

/** Names one invoice of this subscription. */
export interface InvoiceActionRequest {
  invoiceId: string;
}

export interface PayInvoiceResult {
  invoiceId: string;
  /** The charge's outcome: succeeded, declined, requires_action, no_payment_method, already_paid or not_collectible. */
  outcome: string;
  declineCode: string | null;
  subscription: SubscriptionView;
}

/** A credit note that reduces what is due on an invoice being collected, issued inside the workflow's step. */
export interface CreditInvoiceRequest {
  invoiceId: string;
  /** The note's id, chosen by the caller (a retried request finds the same note). */
  creditNoteId: string;
  lines?: Array<{ invoiceLineId: string; amount?: number; quantity?: number }>;
  amount?: number;
  reason: CreditNoteView['reason'];
  memo?: string | null;
  outcome?: CreditNoteView['outcome'];
}

export interface CreditInvoiceResult {
  creditNote: CreditNoteView;
}

export const changeItemsUpdate = defineUpdate<ChangeItemsResult, [ChangeItemsRequest]>('changeItems');
export const previewChangeUpdate = defineUpdate<ChangePreview, [ChangeItemsRequest]>('previewChange');
export const cancelUpdate = defineUpdate<SubscriptionView, [CancelRequest]>('cancel');
export const pauseCollectionUpdate = defineUpdate<SubscriptionView, []>('pauseCollection');
export const resumeCollectionUpdate = defineUpdate<SubscriptionView, []>('resumeCollection');
/** "Pay now": charge an invoice being collected at once instead of waiting for the next retry. */
export const payInvoiceUpdate = defineUpdate<PayInvoiceResult, [InvoiceActionRequest]>('payInvoice');
/** Void an open invoice of this subscription: collection stops and nothing more is owed for it. */
export const voidInvoiceUpdate = defineUpdate<SubscriptionView, [InvoiceActionRequest]>('voidInvoice');

/** Credit an open invoice of this subscription: less to pay, or (for all that is due) settled. */
export const creditInvoiceUpdate = defineUpdate<CreditInvoiceResult, [CreditInvoiceRequest]>('creditInvoice');

/** A verified payment fact from the gateway's webhooks; delivered at least once, deduplicated by `eventId`. */
export const paymentEventSignal = defineSignal<[PaymentEvent]>('paymentEvent');
/** The customer has a new default payment method: a past-due invoice is retried at once. */
export const paymentMethodUpdatedSignal = defineSignal<[PaymentMethodUpdate]>('paymentMethodUpdated');
/**
 * Usage was stored for the subscription (or the usage-thresholds schedule looked): if it has a
 * spend threshold, the workflow checks whether the usage accrued in the open period reaches it.
 */
export const usageAccruedSignal = defineSignal('usageAccrued');

export const getStateQuery = defineQuery<SubscriptionView>('getState');

/**
 * What the next invoice and the current usage are computed from (by the billing code, with the
 * database): the usage segments not yet billed, and the next invoice as the workflow would issue
 * it now — null while nothing will be invoiced (paused, ended).
 */
export interface BillingPreview {
  usage: { billedUntil: number; segments: Array<{ priceId: string; meterId: string; from: number; to: number | null }> };
  /** `issuesAt`: when the workflow will issue it (a held draft: when its grace period ends). */
  upcoming: { draft: InvoiceDraftView; heldInvoiceId: string | null; issuesAt: number } | null;
}

/** An invoice as the workflow drafts it (see subscription-invoice-drafts.ts). */
export type InvoiceDraftView = Omit<CreateInvoiceInput, 'tenantId' | 'customerId' | 'subscriptionId' | 'currency'>;

export const billingPreviewQuery = defineQuery<BillingPreview>('billingPreview');

export interface SubscriptionWorkflowInput {
  tenantId: string;
  subscriptionId: string;
  /** Set when a scheduled job started the workflow again (it had gone missing): shown until cleared. */
  flags?: AttentionFlag[];
}

/**
 * Something outside the workflow found that an operator should look at this subscription (the
 * payment reconciliation's discrepancy, the stuck-billing sweep): it is shown as BillingAttention
 * (after the workflow's own reasons) and in the query, until an operator clears it.
 */
export interface AttentionFlag {
  reason: AttentionFlagReason;
  message: string;
}

export type { AttentionFlagReason };

export const flagAttentionSignal = defineSignal<[AttentionFlag]>('flagAttention');
/** Clears one flag (by reason), or every flag when no reason is given. */
export const clearAttentionSignal = defineSignal<[{ reason?: string }]>('clearAttention');
