import type { PrismaClient } from '../src/db/prisma-client.js';
import type { PaymentGateway } from '../src/payments/gateway.js';
import type {
  BillingPolicy,
  ChargeInvoiceInput,
  ChargeInvoiceResult,
  CreateInvoiceInput,
  CreditCustomerInput,
  InvoiceSummary,
  PersistSubscriptionStateInput,
  PriceInfo,
  RecordPaymentOutcomeInput,
  SettleInvoiceInput,
  SubscriptionSnapshot,
} from './types.js';

export type * from './types.js';

/** What activities need from the outside world, injected so tests can supply real parts. */
export interface ActivityDependencies {
  prisma: PrismaClient;
  gateway: PaymentGateway;
  /** The clock for timestamps written to rows; defaults to the billing clock (see billing-clock.ts). */
  now?: () => number;
}

/**
 * The activities of the subscription workflow: verb-named, thin and idempotent. Each may run
 * more than once (a retry after a timeout or a worker crash) and must then do nothing new and
 * return what the first run did.
 */
export interface BillingActivities {
  /** The subscription row with its items and their prices. */
  loadSubscription(input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionSnapshot>;
  /** Active prices by id; a missing or archived price fails as non-retryable `price_not_found`. */
  loadPrices(input: { tenantId: string; priceIds: string[] }): Promise<PriceInfo[]>;
  /** The tenant's dunning policy (or the default) and trial-end behaviour. */
  loadBillingPolicy(input: { tenantId: string }): Promise<BillingPolicy>;
  hasPaymentMethod(input: { tenantId: string; customerId: string }): Promise<boolean>;
  /** The draft invoice for `sourceKey` with discount and tax lines and named totals; a retry returns the same invoice. */
  createInvoice(input: CreateInvoiceInput): Promise<InvoiceSummary>;
  /** Uses the customer's credit balance on a draft invoice (or banks a negative total as credit). */
  applyCreditBalance(input: { tenantId: string; invoiceId: string }): Promise<InvoiceSummary>;
  /** Draft → open with the next gapless number (→ paid at once when nothing is due). */
  finalizeInvoice(input: { tenantId: string; invoiceId: string }): Promise<InvoiceSummary>;
  /** Reloads the invoice first: never charges a paid, void or uncollectible invoice. */
  chargeInvoice(input: ChargeInvoiceInput): Promise<ChargeInvoiceResult>;
  /** Writes the attempt's outcome; a success marks the invoice paid (once). */
  recordPaymentOutcome(input: RecordPaymentOutcomeInput): Promise<InvoiceSummary>;
  /** Dunning's end: the invoice becomes void or uncollectible. */
  settleInvoice(input: SettleInvoiceInput): Promise<InvoiceSummary>;
  /** Adds credit to the customer's balance (e.g. a prorated cancellation), once per source key. */
  creditCustomer(input: CreditCustomerInput): Promise<{ balance: { amount: number; currency: string } }>;
  /** The subscription row, its items, outbox events and audit entry, in one transaction. */
  persistSubscriptionState(input: PersistSubscriptionStateInput): Promise<void>;
}

export { createActivities } from './create-activities.js';
