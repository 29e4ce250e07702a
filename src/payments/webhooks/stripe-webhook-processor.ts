import Stripe from 'stripe';
import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { PaymentGateway } from '../gateway.js';
import type { PaymentCorrectionRecorder, PaymentEvent, PaymentEventSink } from '../payment-events.js';
import { isNewerPaymentStatus, type TrackedPaymentStatus } from './payment-status-order.js';
import { translateStripeEvent } from './translate-stripe-event.js';

export interface StripeWebhookProcessorOptions {
  prisma: PrismaClient;
  /** Used only for its webhook signature helpers. */
  stripe: Stripe;
  /** Looks up a payment's references when an event (a refund, a dispute) does not carry them. */
  gateway: PaymentGateway;
  signingSecret: string;
  /** How old a signature's timestamp may be; Stripe's libraries default to 300 s. */
  toleranceSeconds?: number;
  sink: PaymentEventSink;
  /** Writes refunds and disputes on their invoice, in the webhook's transaction. */
  corrections?: PaymentCorrectionRecorder;
}

/**
 * `dispatched`: signalled to the subscription; `recorded`: news, but its attempt already holds this
 * outcome (nothing to signal); `stale`: older than what is known; `ignored`: not a payment event.
 */
export type WebhookOutcome = 'dispatched' | 'recorded' | 'stale' | 'ignored';

export type WebhookResult =
  | { status: 'processed'; eventId: string; outcome: WebhookOutcome }
  | { status: 'duplicate'; eventId: string };

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

type Transaction = Prisma.TransactionClient;

/**
 * Verifies, deduplicates and orders Stripe webhooks, then hands each relevant one to the sink.
 * One database transaction per delivery: the event row (primary key = Stripe's event id) is
 * inserted first, so a concurrent duplicate waits on it and then sees it as already processed;
 * if anything fails the row rolls back with everything else, we answer 500, and Stripe's retry
 * processes it again. The sink is called inside the transaction: delivery is at least once
 * (the receiver drops repeats by event id), and never lost.
 */
export class StripeWebhookProcessor {
  constructor(private readonly options: StripeWebhookProcessorOptions) {}

  async handle(rawBody: string, signatureHeader: string | undefined): Promise<WebhookResult> {
    const event = await this.verify(rawBody, signatureHeader);
    const translated = translateStripeEvent(event);
    return this.options.prisma.$transaction(
      async (tx) => {
        const inserted = await tx.webhookEvent.createMany({
          data: [
            {
              id: event.id,
              provider: 'stripe',
              type: event.type,
              tenantId: translated?.event.tenantId ?? null,
              eventCreatedAt: new Date(event.created * 1000),
              outcome: 'pending',
              payload: JSON.parse(rawBody) as Prisma.InputJsonValue,
            },
          ],
          skipDuplicates: true,
        });
        if (inserted.count === 0) return { status: 'duplicate', eventId: event.id } as const;

        let outcome: WebhookOutcome = 'ignored';
        if (translated) {
          const paymentEvent = await this.withReferences(tx, translated.event);
          const isNews = translated.trackedStatus
            ? await this.advancePaymentStatus(tx, paymentEvent, translated.trackedStatus)
            : true;
          // A charge answered at once was recorded by the workflow's own step; signalling it the
          // same outcome again would only cost it a workflow task.
          const recorded = isNews && (await this.alreadyRecorded(tx, paymentEvent));
          if (paymentEvent.kind === 'payment_refunded' || paymentEvent.kind === 'payment_disputed') await this.options.corrections?.record(tx, paymentEvent);
          if (isNews && !recorded) await this.options.sink.deliver(paymentEvent);
          outcome = !isNews ? 'stale' : recorded ? 'recorded' : 'dispatched';
          if (paymentEvent.tenantId) {
            await tx.webhookEvent.update({ where: { id: event.id }, data: { tenantId: paymentEvent.tenantId } });
          }
        }
        await tx.webhookEvent.update({ where: { id: event.id }, data: { outcome } });
        return { status: 'processed', eventId: event.id, outcome } as const;
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  }

  private async verify(rawBody: string, signatureHeader: string | undefined): Promise<Stripe.Event> {
    if (!signatureHeader) throw new WebhookSignatureError('missing Stripe-Signature header');
    try {
      return await this.options.stripe.webhooks.constructEventAsync(
        rawBody,
        signatureHeader,
        this.options.signingSecret,
        this.options.toleranceSeconds ?? 300,
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw new WebhookSignatureError(error.message);
      throw error;
    }
  }

  /**
   * Whether the attempt this event reports on already holds its outcome: a success or a decline
   * the charge returned synchronously, written by the workflow's step that made the charge.
   */
  private async alreadyRecorded(tx: Transaction, event: PaymentEvent): Promise<boolean> {
    if (!event.paymentIntentId) return false;
    const status = event.kind === 'payment_succeeded' ? 'succeeded' : event.kind === 'payment_failed' ? 'declined' : null;
    if (status === null) return false;
    return (await tx.paymentAttempt.count({ where: { gatewayPaymentIntentId: event.paymentIntentId, status } })) > 0;
  }

  /** Records the payment's new status if the event is news; false for stale or repeated news. */
  private async advancePaymentStatus(tx: Transaction, event: PaymentEvent, status: TrackedPaymentStatus): Promise<boolean> {
    if (!event.paymentIntentId) return true;
    // Events for one payment are decided one at a time, even across API processes.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`gateway_payment:${event.paymentIntentId}`}))`;
    const known = await tx.gatewayPayment.findUnique({ where: { paymentIntentId: event.paymentIntentId } });
    const eventCreated = new Date(event.occurredAt);
    const isNews = isNewerPaymentStatus(
      known ? { status: known.status as TrackedPaymentStatus, eventCreated: known.statusEventCreated } : null,
      status,
      eventCreated,
    );
    if (!isNews) return false;
    const references = { tenantId: event.tenantId, invoiceId: event.invoiceId, subscriptionId: event.subscriptionId };
    await tx.gatewayPayment.upsert({
      where: { paymentIntentId: event.paymentIntentId },
      create: { paymentIntentId: event.paymentIntentId, ...references, status, statusEventCreated: eventCreated },
      update: { status, statusEventCreated: eventCreated },
    });
    return true;
  }

  /** Refund and dispute events carry a charge, not our references: find them by PaymentIntent. */
  private async withReferences(tx: Transaction, event: PaymentEvent): Promise<PaymentEvent> {
    if (event.invoiceId || !event.paymentIntentId) return event;
    const known = await tx.gatewayPayment.findUnique({ where: { paymentIntentId: event.paymentIntentId } });
    if (known?.invoiceId) {
      return { ...event, tenantId: known.tenantId, invoiceId: known.invoiceId, subscriptionId: known.subscriptionId };
    }
    const payment = await this.options.gateway.getPayment(event.paymentIntentId);
    const attempt = Number(payment.metadata.attempt);
    return {
      ...event,
      tenantId: payment.metadata.tenant_id ?? null,
      invoiceId: payment.metadata.invoice_id ?? null,
      subscriptionId: payment.metadata.subscription_id ?? null,
      attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : event.attempt,
    };
  }
}
