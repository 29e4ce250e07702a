import type { Prisma } from '../generated/prisma/client.js';
import type { Money } from '../domain/index.js';

/**
 * A payment fact reported by the gateway (a verified webhook), in our vocabulary. These cross a
 * Temporal payload as the subscription workflow's payment signal, so every field is JSON-safe.
 * Delivery is at least once; `eventId` lets the receiver drop a repeat.
 */
export interface PaymentEventReference {
  /** The gateway's event id (Stripe `evt_…`). */
  eventId: string;
  /** When the gateway created the event, ISO 8601 UTC. */
  occurredAt: string;
  paymentIntentId: string | null;
  tenantId: string | null;
  invoiceId: string | null;
  subscriptionId: string | null;
  /** Which charge attempt of the invoice this was (our idempotency key's attempt number). */
  attempt: number | null;
}

export type PaymentEvent = PaymentEventReference &
  (
    | { kind: 'payment_succeeded'; amount: Money; chargeId: string | null }
    | { kind: 'payment_failed'; amount: Money; code: string; declineCode: string; message: string; hardDecline: boolean }
    | { kind: 'payment_requires_action'; amount: Money }
    | { kind: 'payment_refunded'; chargeId: string; amountRefunded: Money; fullyRefunded: boolean }
    | { kind: 'payment_disputed'; chargeId: string; disputeId: string; amount: Money; reason: string; status: string }
  );

export type PaymentEventKind = PaymentEvent['kind'];

/**
 * Where a refund or dispute of a payment is written on its invoice, inside the webhook's own
 * transaction (so a failure rolls the event back and Stripe's retry records it again). Payments
 * name the interface; billing implements it.
 */
export interface PaymentCorrectionRecorder {
  record(tx: Prisma.TransactionClient, event: Extract<PaymentEvent, { kind: 'payment_refunded' | 'payment_disputed' }>): Promise<void>;
}

/** Where verified payment events go: in production, the subscription workflow's signal. */
export interface PaymentEventSink {
  deliver(event: PaymentEvent): Promise<void>;
}
