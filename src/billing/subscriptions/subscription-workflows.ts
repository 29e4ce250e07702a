import type {
  BillingPreview,
  CancelRequest,
  ChangeItemsRequest,
  ChangeItemsResult,
  ChangePreview,
  CreditInvoiceRequest,
  CreditInvoiceResult,
  PayInvoiceResult,
  SubscriptionView as LiveSubscriptionView,
} from '../../../workflows/subscription-messages.js';

import type { WorkflowStanding } from '../jobs/subscription-workflow-probe.js';

/**
 * Whether the subscription's workflow runs, and its own view: a closed workflow still answers
 * queries with its last state, which must not be mistaken for billing that goes on.
 */
export interface WorkflowInspection {
  /** `unknown`: Temporal did not answer in time. */
  workflow: WorkflowStanding['state'] | 'unknown';
  /** null when it did not answer within a second (or is missing). */
  live: LiveSubscriptionView | null;
}

export type { BillingPreview, CancelRequest, ChangeItemsRequest, ChangeItemsResult, ChangePreview, CreditInvoiceRequest, CreditInvoiceResult, PayInvoiceResult, LiveSubscriptionView };

/**
 * What the subscription commands need from the subscription workflows, and nothing more. The
 * production implementation is Temporal's (src/temporal/temporal-subscription-workflows.ts);
 * billing never imports Temporal. Every method fails with a BillingError in the failure
 * vocabulary: a workflow's refusal with its own code and kind, a workflow that has ended as
 * `subscription_ended`, an unreachable service as `temporal_unavailable`.
 */
export interface SubscriptionWorkflows {
  /** Starts `subscription:<id>`; starting one that runs already is a no-op. */
  start(input: { tenantId: string; subscriptionId: string }): Promise<void>;
  /** Whether the workflow exists (running or finished); throws when that cannot be known. */
  exists(subscriptionId: string): Promise<boolean>;
  /** The workflow's own view, or null when it cannot answer in time. */
  liveState(subscriptionId: string): Promise<LiveSubscriptionView | null>;
  /** Whether the workflow runs (or how it closed) and its own view; never throws (the console shows what it can). */
  inspect(subscriptionId: string): Promise<WorkflowInspection>;
  /** What the next invoice and the current usage are computed from; fails as `subscription_ended` once the workflow is gone. */
  billingPreview(subscriptionId: string): Promise<BillingPreview>;
  /** `updateId` deduplicates a retried call in the workflow service itself. */
  changeItems(subscriptionId: string, request: ChangeItemsRequest, updateId: string): Promise<ChangeItemsResult>;
  previewChange(subscriptionId: string, request: ChangeItemsRequest): Promise<ChangePreview>;
  cancel(subscriptionId: string, request: CancelRequest): Promise<void>;
  pauseCollection(subscriptionId: string): Promise<void>;
  resumeCollection(subscriptionId: string): Promise<void>;
  payInvoice(subscriptionId: string, invoiceId: string, updateId: string): Promise<PayInvoiceResult>;
  voidInvoice(subscriptionId: string, invoiceId: string, updateId: string): Promise<void>;
  /** A credit note on an open invoice, issued by the subscription's workflow collecting it. */
  creditInvoice(subscriptionId: string, request: CreditInvoiceRequest, updateId: string): Promise<CreditInvoiceResult>;
  /** Tells each running workflow of the ids that its customer has a new default payment method. */
  paymentMethodUpdated(subscriptionIds: readonly string[], paymentMethodId: string): Promise<void>;
  /** Tells each running workflow of the ids that usage was stored for it (spend thresholds are checked); an ended one is not told. */
  usageAccrued(subscriptionIds: readonly string[]): Promise<void>;

  // One-off invoices are collected by a workflow of their own, `invoice:<id>`.
  /** Starts collecting a finalized one-off invoice; a run already collecting it is left alone. `attemptsBefore` continues its attempt numbers. */
  startInvoiceCollection(input: { tenantId: string; invoiceId: string; attemptsBefore: number }): Promise<void>;
  /** "Pay now" through the invoice's workflow; `collection_ended` once it no longer runs. */
  payOneOffInvoice(invoiceId: string, updateId: string): Promise<{ outcome: string; declineCode: string | null }>;
  /** A credit note on an open one-off invoice, by its workflow; `collection_ended` once it no longer runs. */
  creditOneOffInvoice(invoiceId: string, request: CreditInvoiceRequest, updateId: string): Promise<CreditInvoiceResult>;
  /** Tells the workflows collecting these one-off invoices that the customer has a new default payment method. */
  oneOffInvoicesPaymentMethodUpdated(invoiceIds: readonly string[]): Promise<void>;
  /** Voids through the invoice's workflow; `collection_ended` once it no longer runs. */
  voidOneOffInvoice(invoiceId: string, updateId: string): Promise<void>;
}
