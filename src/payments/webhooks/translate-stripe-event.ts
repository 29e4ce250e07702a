import type Stripe from 'stripe';
import { DEFAULT_HARD_DECLINE_CODES, money } from '../../domain/index.js';
import type { PaymentEvent, PaymentEventReference } from '../payment-events.js';
import type { TrackedPaymentStatus } from './payment-status-order.js';

/** The Stripe event types that mean something to billing; every other type is acknowledged and ignored. */
export const HANDLED_STRIPE_EVENTS = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.requires_action',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
] as const;

export interface TranslatedEvent {
  event: PaymentEvent;
  /** Set for PaymentIntent events, whose order matters. */
  trackedStatus: TrackedPaymentStatus | null;
}

const HARD = new Set(DEFAULT_HARD_DECLINE_CODES);
const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : value.id;

function referencesFrom(event: Stripe.Event, paymentIntentId: string | null, metadata: Stripe.Metadata | null | undefined): PaymentEventReference {
  const attempt = Number(metadata?.attempt);
  return {
    eventId: event.id,
    occurredAt: new Date(event.created * 1000).toISOString(),
    paymentIntentId,
    tenantId: metadata?.tenant_id ?? null,
    invoiceId: metadata?.invoice_id ?? null,
    subscriptionId: metadata?.subscription_id ?? null,
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : null,
  };
}

/**
 * Turns a verified Stripe event into our typed payment event, or null for types we ignore.
 * References (invoice, subscription, tenant) come from the PaymentIntent metadata the gateway
 * wrote; refunds and disputes carry a charge, whose references the caller fills in.
 */
export function translateStripeEvent(event: Stripe.Event): TranslatedEvent | null {
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      return {
        trackedStatus: 'succeeded',
        event: {
          ...referencesFrom(event, intent.id, intent.metadata),
          kind: 'payment_succeeded',
          amount: money(intent.amount_received || intent.amount, intent.currency),
          chargeId: idOf(intent.latest_charge),
        },
      };
    }
    case 'payment_intent.requires_action': {
      const intent = event.data.object;
      return {
        trackedStatus: 'requires_action',
        event: { ...referencesFrom(event, intent.id, intent.metadata), kind: 'payment_requires_action', amount: money(intent.amount, intent.currency) },
      };
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const error = intent.last_payment_error;
      const code = error?.code ?? 'payment_failed';
      const declineCode = error?.decline_code ?? code;
      const references = referencesFrom(event, intent.id, intent.metadata);
      // An off-session payment that needs 3-D Secure "fails" with authentication_required: for
      // billing it waits on the customer, exactly like requires_action.
      if (code === 'authentication_required' || declineCode === 'authentication_required') {
        return { trackedStatus: 'requires_action', event: { ...references, kind: 'payment_requires_action', amount: money(intent.amount, intent.currency) } };
      }
      return {
        trackedStatus: 'failed',
        event: {
          ...references,
          kind: 'payment_failed',
          amount: money(intent.amount, intent.currency),
          code,
          declineCode,
          message: error?.message ?? 'The payment failed.',
          hardDecline: HARD.has(declineCode) || HARD.has(code),
        },
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      return {
        trackedStatus: null,
        event: {
          ...referencesFrom(event, idOf(charge.payment_intent), charge.metadata),
          kind: 'payment_refunded',
          chargeId: charge.id,
          amountRefunded: money(charge.amount_refunded, charge.currency),
          fullyRefunded: charge.refunded,
        },
      };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      return {
        trackedStatus: null,
        event: {
          ...referencesFrom(event, idOf(dispute.payment_intent), dispute.metadata),
          kind: 'payment_disputed',
          chargeId: idOf(dispute.charge) ?? '',
          disputeId: dispute.id,
          amount: money(dispute.amount, dispute.currency),
          reason: dispute.reason,
          status: dispute.status,
        },
      };
    }
    default:
      return null;
  }
}
