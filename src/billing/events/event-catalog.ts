/**
 * The public event catalog: every event type the outbox carries to webhooks, with the shape of
 * its `data`. Data is thin on purpose — the ids an integrator fetches objects by, plus the facts
 * that changed — so a receiver never acts on a stale copy of a whole object. Adding a field is
 * compatible; renaming or removing one is a new EVENT_API_VERSION (stamped on every event row).
 * Money is stored as `{ amount, currency }`, the amount an integer of the currency's minor unit;
 * the API and webhooks show it in the API's convention (publicEventData in views.ts): the amount
 * alone, and the event's `currency` once.
 */
export const EVENT_API_VERSION = '2026-12-01';

import type { Money } from '../../domain/money.js';

type Id = string;
type Iso = string;

interface InvoiceFacts {
  invoiceId: Id;
  number: string | null;
  subscriptionId: Id | null;
  customerId: Id;
}

interface SubscriptionFacts {
  subscriptionId: Id;
  customerId: Id;
  status: string;
  previousStatus: string;
  action: string;
  at: Iso;
}

interface PaymentFacts {
  invoiceId: Id;
  customerId: Id;
  subscriptionId: Id | null;
  paymentId: Id;
  attempt: number;
  amount: Money;
}

/** `data` of each event type. */
export interface EventDataByType {
  'customer.created': { customerId: Id; externalId: string | null; email: string | null; currency: string | null };
  'customer.updated': { customerId: Id; changed: string[]; previous: Record<string, unknown> };
  'subscription.created': { subscriptionId: Id; customerId: Id; status: string; currency: string; trialEnd: Iso | null; priceIds: Id[] };
  'subscription.updated': SubscriptionFacts & Record<string, unknown>;
  'subscription.trial_will_end': { subscriptionId: Id; customerId: Id; trialEnd: Iso };
  'subscription.paused': SubscriptionFacts;
  'subscription.resumed': SubscriptionFacts;
  'subscription.canceled': SubscriptionFacts & { canceledAt: Iso | null; endedAt: Iso | null };
  'invoice.created': { invoiceId: Id; subscriptionId: Id | null; customerId: Id; sourceKey: string; kind: string; total?: Money };
  'invoice.finalized': InvoiceFacts & { amountDue: Money; total: Money };
  'invoice.paid': InvoiceFacts & { amountPaid: Money; attempt?: number; paymentIntentId?: string | null; byCreditNote?: Id; amountDue?: Money };
  'invoice.payment_failed': InvoiceFacts & { attempt: number; reason: string; declineCode: string | null; hardDecline: boolean; nextPaymentAttemptAt: Iso | null };
  'invoice.payment_action_required': InvoiceFacts & { attempt: number; paymentIntentId: string };
  'invoice.upcoming': { subscriptionId: Id; customerId: Id; renewsAt: Iso; periodIndex: number };
  'invoice.overdue': InvoiceFacts & { amountDue: Money; finalizedAt: Iso };
  'invoice.voided': InvoiceFacts & { amountDue: Money; creditRestored: Money; discountsRestored: Id[] };
  'invoice.marked_uncollectible': InvoiceFacts & { amountDue: Money };
  'invoice.disputed': InvoiceDispute;
  'invoice.dispute_won': InvoiceDispute;
  'invoice.dispute_lost': InvoiceDispute;
  'payment.succeeded': PaymentFacts & { paymentIntentId: string | null };
  'payment.failed': PaymentFacts & { reason: string; declineCode: string | null; hardDecline: boolean; nextPaymentAttemptAt: Iso | null };
  'payment.refunded': { invoiceId: Id; customerId: Id; subscriptionId: Id | null; chargeId: string; amountRefunded: Money };
  'credit_note.created': { creditNoteId: Id; number: string; invoiceId: Id; customerId: Id; outcome: string; total: Money };
  'credit_note.refunded': { creditNoteId: Id; invoiceId: Id; total: Money };
  'credit_note.refund_failed': { creditNoteId: Id; invoiceId: Id; total: Money; reason: string };
  'credit_balance.adjusted': { customerId: Id; transactionId: Id; amount: Money; balance: Money; reason: string; invoiceId: Id | null };
  'usage.threshold_reached': Record<string, unknown> & { alertId: Id; subscriptionId: Id; customerId: Id; meterKey: string };
  'billing.attention_required': Record<string, unknown> & { reason: string };
  'reconciliation.discrepancy': { discrepancyId: Id; kind: string; invoiceId: Id | null; subscriptionId: Id | null; paymentIntentId: string | null; amount: Money | null };
  'webhook_endpoint.disabled': { endpointId: Id; url: string; reason: 'gone' | 'failing'; failingSince: Iso | null };
  'webhook_endpoint.test': { endpointId: Id };
}

interface InvoiceDispute {
  invoiceId: Id;
  customerId: Id;
  subscriptionId: Id | null;
  disputeId: string;
  status: string;
  reason: string | null;
  amount: Money;
}

export type EventType = keyof EventDataByType;

/** What each type means, in the README's words; the keys are the catalog (a test keeps the README in step). */
export const EVENT_DESCRIPTIONS: { readonly [T in EventType]: string } = {
  'customer.created': 'A customer was created.',
  'customer.updated': 'Customer fields changed; `changed` names them and `previous` holds their old values.',
  'subscription.created': 'A subscription was created (trialing or incomplete until its first invoice is paid).',
  'subscription.updated': 'Any change of a subscription: status, items, schedule; `action` says which.',
  'subscription.trial_will_end': 'The trial ends in three days (or less, for a shorter trial).',
  'subscription.paused': 'The subscription was paused.',
  'subscription.resumed': 'A paused subscription was resumed.',
  'subscription.canceled': 'The subscription ended (canceled now, at period end, or by dunning).',
  'invoice.created': 'An invoice was drafted.',
  'invoice.finalized': 'An invoice was numbered and is now due.',
  'invoice.paid': 'An invoice was paid in full (by a charge, credit, or a credit note).',
  'invoice.payment_failed': 'A payment attempt for an invoice failed; `nextPaymentAttemptAt` is the next retry, if any.',
  'invoice.payment_action_required': 'A payment needs the customer to authenticate.',
  'invoice.upcoming': 'A subscription renews within the tenant\'s notice period (seven days unless configured); GET /v1/subscriptions/{id}/upcoming-invoice prices it.',
  'invoice.overdue': 'A finalized invoice is still unpaid after the tenant\'s overdue period.',
  'invoice.voided': 'An invoice was voided.',
  'invoice.marked_uncollectible': 'An invoice was written off.',
  'invoice.disputed': 'The invoice\'s payment was disputed.',
  'invoice.dispute_won': 'A dispute was decided for the merchant.',
  'invoice.dispute_lost': 'A dispute was decided for the cardholder.',
  'payment.succeeded': 'A payment attempt succeeded.',
  'payment.failed': 'A payment attempt failed.',
  'payment.refunded': 'Money was refunded on an invoice\'s charge; `amountRefunded` is cumulative.',
  'credit_note.created': 'A credit note was issued.',
  'credit_note.refunded': 'A credit note\'s refund went through.',
  'credit_note.refund_failed': 'A credit note\'s refund failed.',
  'credit_balance.adjusted': 'The customer\'s credit balance moved (an adjustment, credit applied, banked, or restored).',
  'usage.threshold_reached': 'Usage crossed a usage alert\'s threshold in the period.',
  'billing.attention_required': 'Something needs an operator: a gateway rejection, a failing workflow step, a stuck subscription.',
  'reconciliation.discrepancy': 'The gateway and the ledger disagree about a payment.',
  'webhook_endpoint.disabled': 'A webhook endpoint was disabled (it answered 410 Gone, or failed for five days).',
  'webhook_endpoint.test': 'A test delivery asked for with POST /v1/webhook-endpoints/{id}/test.',
};

export const EVENT_TYPES = Object.keys(EVENT_DESCRIPTIONS) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_DESCRIPTIONS, value);
}
