import type { BillingInterval, DunningPolicy, Money, PriceDefinition } from '../src/domain/index.js';
import type { ChargeOutcome } from '../src/payments/gateway.js';

/**
 * The shapes that cross between the subscription workflow and its activities. They travel in
 * Temporal payloads, so everything is plain JSON: instants are epoch milliseconds, money is
 * `{ amount: safe integer minor units, currency }`, decimals are strings.
 */

export type SubscriptionStatus = 'incomplete' | 'trialing' | 'active' | 'past_due' | 'paused' | 'canceled' | 'unpaid';

export interface PriceInfo {
  priceId: string;
  productId: string;
  productName: string;
  currency: string;
  definition: PriceDefinition;
  interval: BillingInterval;
  trialDays: number | null;
  usageType: 'licensed' | 'metered';
}

export interface SubscriptionItemSnapshot {
  priceId: string;
  quantity: number;
  price: PriceInfo;
}

export interface SubscriptionSnapshot {
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  status: SubscriptionStatus;
  currency: string;
  interval: BillingInterval;
  /** Epoch ms. Period n runs from anchor + n intervals to anchor + (n + 1) intervals. */
  billingAnchor: number;
  currentPeriodIndex: number;
  trialStart: number | null;
  trialEnd: number | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  pausedAt: number | null;
  stateVersion: number;
  items: SubscriptionItemSnapshot[];
}

export type TrialEndBehavior = 'cancel' | 'pause' | 'create_invoice';

export interface BillingPolicy {
  dunning: DunningPolicy;
  /** What a trial that ends without a payment method does (Stripe's `missing_payment_method`). */
  trialEndWithoutPaymentMethod: TrialEndBehavior;
}

export type InvoiceKind = 'recurring' | 'proration' | 'final';
export type InvoiceLineKind = 'recurring' | 'proration' | 'usage';

/** A line the workflow priced (recurring fee, proration); discount and tax lines are added by the activity. */
export interface InvoiceLineDraft {
  kind: InvoiceLineKind;
  description: string;
  priceId: string | null;
  quantity: number | null;
  /** The unit amount in minor units as a decimal string, when one rate explains the line. */
  unitAmountDecimal: string | null;
  amount: Money;
  periodStart: number | null;
  periodEnd: number | null;
  /** Proration credits are not discounted again (their original charge already was). */
  discountable: boolean;
}

export interface CreateInvoiceInput {
  tenantId: string;
  customerId: string;
  subscriptionId: string;
  /** Unique per tenant: the same source always finds the same invoice. */
  sourceKey: string;
  kind: InvoiceKind;
  currency: string;
  periodIndex: number | null;
  periodStart: number | null;
  periodEnd: number | null;
  lines: InvoiceLineDraft[];
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

export interface InvoiceSummary {
  invoiceId: string;
  number: string | null;
  status: InvoiceStatus;
  currency: string;
  subtotal: Money;
  discount: Money;
  tax: Money;
  total: Money;
  creditApplied: Money;
  amountDue: Money;
  amountPaid: Money;
  attemptCount: number;
}

export interface ChargeInvoiceInput {
  tenantId: string;
  invoiceId: string;
  /** 1-based; each attempt has its own idempotency key `invoice:<id>:attempt:<n>`. */
  attempt: number;
}

export type ChargeInvoiceResult =
  | ChargeOutcome
  | { status: 'already_paid'; idempotencyKey: string }
  | { status: 'not_collectible'; idempotencyKey: string; invoiceStatus: InvoiceStatus };

export interface RecordPaymentOutcomeInput {
  tenantId: string;
  invoiceId: string;
  attempt: number;
  outcome: ChargeInvoiceResult;
  /** When dunning will try again (epoch ms), shown on the invoice. */
  nextRetryAt: number | null;
}

export interface SettleInvoiceInput {
  tenantId: string;
  invoiceId: string;
  state: 'void' | 'uncollectible';
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

export interface OutboxEventInput {
  type: string;
  /** Unique per tenant with the type: a retried write adds nothing. */
  dedupeKey: string;
  payload: Record<string, unknown>;
}

export interface PersistSubscriptionStateInput {
  tenantId: string;
  subscriptionId: string;
  /** Strictly increasing per subscription; a write older than the row's is ignored. */
  stateVersion: number;
  state: {
    status: SubscriptionStatus;
    billingAnchor: number;
    interval: { unit: BillingInterval['unit']; count: number };
    currentPeriodIndex: number;
    currentPeriodStart: number | null;
    currentPeriodEnd: number | null;
    trialEnd: number | null;
    cancelAtPeriodEnd: boolean;
    canceledAt: number | null;
    endedAt: number | null;
    pausedAt: number | null;
    pendingChange: Record<string, unknown> | null;
  };
  items: Array<{ priceId: string; quantity: number }>;
  events: OutboxEventInput[];
  audit: { action: string; details: Record<string, unknown> } | null;
}
