import type { Money } from '../src/domain/index.js';
import type { CreateCreditNoteInput } from '../src/billing/credit-notes/create-credit-note.js';
import type { CreditNoteView } from '../src/billing/credit-notes/views.js';
import type { PriceInfo } from '../src/billing/catalog/price-info.js';
import type { BillingPolicy } from '../src/billing/dunning/load-billing-policy.js';
import type { ChargeInvoiceInput, ChargeInvoiceResult } from '../src/billing/invoices/charge-invoice.js';
import type { CreateInvoiceInput } from '../src/billing/invoices/invoice-input.js';
import type { IssueInvoiceInput } from '../src/billing/invoices/issue-invoice.js';
import type { ThresholdInvoiceResult } from '../src/billing/invoices/issue-threshold-invoice.js';
import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import type { RecordPaymentOutcomeInput } from '../src/billing/invoices/record-payment-outcome.js';
import type { RepriceDraftInput } from '../src/billing/invoices/reprice-draft-invoice.js';
import type { SubscriptionSnapshot } from '../src/billing/subscriptions/load-subscription-snapshot.js';
import type { PersistSubscriptionStateInput } from '../src/billing/subscriptions/persist-subscription-state.js';

/**
 * The shapes that cross between the subscription workflow and its activities, defined by the
 * billing operations they call. They travel in Temporal payloads, so everything is plain JSON:
 * instants are epoch milliseconds, money is `{ amount: safe integer minor units, currency }`,
 * decimals are strings.
 */
export type { PriceInfo } from '../src/billing/catalog/price-info.js';
export type { BillingPolicy, TrialEndBehavior } from '../src/billing/dunning/load-billing-policy.js';
export type { ChargeInvoiceInput, ChargeInvoiceResult } from '../src/billing/invoices/charge-invoice.js';
export type { CreateInvoiceInput, InvoiceKind, InvoiceLineInput, InvoiceLineKind, InvoiceUsage, UsageWindow } from '../src/billing/invoices/invoice-input.js';
export type { IssueInvoiceInput } from '../src/billing/invoices/issue-invoice.js';
export type { RepriceDraftInput } from '../src/billing/invoices/reprice-draft-invoice.js';
export type { InvoiceStatus, InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
export type { RecordPaymentOutcomeInput } from '../src/billing/invoices/record-payment-outcome.js';
export type { SubscriptionItemSnapshot, SubscriptionSnapshot } from '../src/billing/subscriptions/load-subscription-snapshot.js';
export type { OutboxEventInput, PersistSubscriptionStateInput } from '../src/billing/subscriptions/persist-subscription-state.js';

/** A credit note reducing what is due on an open invoice, as its collecting workflow asks for it. */
export interface CreditOpenInvoiceInput extends Omit<CreateCreditNoteInput, 'byCollector' | 'id'> {
  /** The note's id, chosen by the caller: a retried activity finds the note it made. */
  id: string;
}

export interface InvoiceRef {
  tenantId: string;
  invoiceId: string;
}

export interface CreditCustomerInput {
  tenantId: string;
  customerId: string;
  /** Positive: credit added to the customer's balance. */
  amount: Money;
  reason: string;
  sourceKey: string;
  invoiceId: string | null;
}

/**
 * The activities of the subscription workflow: verb-named, thin shells over billing operations,
 * and idempotent. Each may run more than once (a retry after a timeout or a worker crash) and
 * must then do nothing new and return what the first run did.
 */
export interface BillingActivities {
  /** The subscription row with its items and their prices. */
  loadSubscription(input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionSnapshot>;
  /** A first run's start: the subscription (as loadSubscription) and the tenant's billing policy, in one call. */
  loadSubscriptionStart(input: { tenantId: string; subscriptionId: string }): Promise<{ snapshot: SubscriptionSnapshot; policy: BillingPolicy }>;
  /** Active prices by id; a missing or archived price fails as non-retryable `price_not_found`. */
  loadPrices(input: { tenantId: string; priceIds: string[] }): Promise<PriceInfo[]>;
  /** The tenant's dunning policy (or the default) and trial-end behaviour. */
  loadBillingPolicy(input: { tenantId: string }): Promise<BillingPolicy>;
  hasPaymentMethod(input: { tenantId: string; customerId: string }): Promise<boolean>;
  /** The draft invoice for `sourceKey` with discount and tax lines and named totals; a retry returns the same invoice. */
  createInvoice(input: CreateInvoiceInput): Promise<InvoiceSummary>;
  /** Prices a held draft again (usage as it stands now); a finalized invoice is returned as is. */
  repriceDraftInvoice(input: RepriceDraftInput): Promise<InvoiceSummary>;
  /** Uses the customer's credit balance on a draft invoice (or banks a negative total as credit). */
  applyCreditBalance(input: InvoiceRef): Promise<InvoiceSummary>;
  /** Draft → open with the next gapless number (→ paid at once when nothing is due). */
  finalizeInvoice(input: InvoiceRef): Promise<InvoiceSummary>;
  /** createInvoice + applyCreditBalance + finalizeInvoice + the subscription's state, in one transaction. */
  issueInvoice(input: IssueInvoiceInput): Promise<InvoiceSummary>;
  /** A spend-threshold invoice for the usage accrued so far, if it reaches the subscription's threshold (with the unwritten states). */
  issueThresholdInvoice(input: IssueInvoiceInput): Promise<ThresholdInvoiceResult>;
  /** Reloads the invoice first: never charges a paid, void or uncollectible invoice. */
  chargeInvoice(input: ChargeInvoiceInput): Promise<ChargeInvoiceResult>;
  /** Writes the attempt's outcome; a success marks the invoice paid (once). */
  recordPaymentOutcome(input: RecordPaymentOutcomeInput): Promise<InvoiceSummary>;
  /** Voids an open or uncollectible invoice, giving back the credit and discount periods it used. */
  voidInvoice(input: InvoiceRef): Promise<InvoiceSummary>;
  /** A credit note reducing what is due on an open invoice (a note for all of it settles the invoice). */
  creditOpenInvoice(input: CreditOpenInvoiceInput): Promise<{ creditNote: CreditNoteView; invoice: InvoiceSummary }>;
  /** Dunning's end: an open invoice is written off as uncollectible. */
  markInvoiceUncollectible(input: InvoiceRef): Promise<InvoiceSummary>;
  /** Adds credit to the customer's balance (e.g. a prorated cancellation), once per source key. */
  creditCustomer(input: CreditCustomerInput): Promise<{ balance: Money }>;
  /** The subscription row, its items, outbox events and audit entry, in one transaction. */
  persistSubscriptionState(input: PersistSubscriptionStateInput): Promise<void>;
  /** Several states of one subscription, oldest first, in one transaction (what a workflow step wrote). */
  persistSubscriptionStates(input: { pending: PersistSubscriptionStateInput[] }): Promise<void>;
}
