import type { PrismaClient } from '../../db/prisma-client.js';
import { chargeIdempotencyKey, type PaymentGateway, type PaymentState } from '../../payments/gateway.js';
import type { PaymentEvent } from '../../payments/payment-events.js';
import { recordPaymentOutcome } from '../invoices/record-payment-outcome.js';
import type { SubscriptionWorkflowProbe } from '../jobs/subscription-workflow-probe.js';
import type { StalePaymentAttempt } from './find-stale-payment-attempts.js';

export type ReconciledOutcome = 'succeeded' | 'declined' | 'still_pending' | 'not_at_gateway';

export interface ReconciledAttempt {
  attemptId: string;
  invoiceId: string;
  outcome: ReconciledOutcome;
  paymentIntentId: string | null;
  /** Whether the subscription's workflow was told (false: none runs; the sweep takes that up). */
  signalled: boolean;
}

/** A charge that began this long before the attempt row's time still belongs to it. */
const CREATED_SLACK_MS = 5 * 60_000;

function outcomeOf(payment: PaymentState | null): ReconciledOutcome {
  if (payment === null) return 'not_at_gateway';
  if (payment.status === 'succeeded') return 'succeeded';
  if (payment.status === 'requires_payment_method' || payment.status === 'canceled') return payment.lastError || payment.status === 'canceled' ? 'declined' : 'still_pending';
  return 'still_pending'; // requires_action, processing, requires_confirmation
}

/** The gateway's answer as the payment fact a webhook would have carried (its id names the reconciliation). */
function paymentEventOf(attempt: StalePaymentAttempt, payment: PaymentState, outcome: 'succeeded' | 'declined', at: number): PaymentEvent {
  const reference = {
    eventId: `reconciliation:${payment.paymentIntentId}:${outcome}`,
    occurredAt: new Date(at).toISOString(),
    paymentIntentId: payment.paymentIntentId,
    tenantId: attempt.tenantId,
    invoiceId: attempt.invoiceId,
    subscriptionId: attempt.subscriptionId,
    attempt: attempt.attemptNumber,
  };
  if (outcome === 'succeeded') return { ...reference, kind: 'payment_succeeded', amount: payment.amount, chargeId: payment.chargeId };
  const code = payment.lastError?.code ?? 'payment_failed';
  return {
    ...reference,
    kind: 'payment_failed',
    amount: payment.amount,
    code,
    declineCode: payment.lastError?.declineCode ?? code,
    message: payment.lastError?.message ?? `payment ended in status ${payment.status}`,
    hardDecline: false,
  };
}

/**
 * Looks one stale attempt up at the gateway — by its PaymentIntent, or, when the answer to the
 * charge was lost with its connection, among the customer's payments by our metadata — and
 * records what happened. Nothing is ever charged here. A success is written at once (the invoice
 * is paid: money moved); a decline is left to the workflow, whose dunning decides what follows.
 * Either way the subscription's workflow is told, as a webhook would tell it, under an event id
 * of its own so a repeat changes nothing.
 */
export async function reconcilePaymentAttempt(
  deps: { prisma: PrismaClient; gateway: PaymentGateway; probe: SubscriptionWorkflowProbe },
  attempt: StalePaymentAttempt,
  now: Date,
): Promise<ReconciledAttempt> {
  let payment: PaymentState | null = null;
  if (attempt.gatewayPaymentIntentId) payment = await deps.gateway.getPayment(attempt.gatewayPaymentIntentId);
  else if (attempt.gatewayCustomerId) {
    payment = await deps.gateway.findPaymentForAttempt({
      gatewayCustomerId: attempt.gatewayCustomerId,
      invoiceId: attempt.invoiceId,
      attempt: attempt.attemptNumber,
      createdFrom: attempt.createdAt - CREATED_SLACK_MS,
    });
  }
  const outcome = outcomeOf(payment);
  const result: ReconciledAttempt = { attemptId: attempt.attemptId, invoiceId: attempt.invoiceId, outcome, paymentIntentId: payment?.paymentIntentId ?? null, signalled: false };
  if (payment === null || (outcome !== 'succeeded' && outcome !== 'declined')) return result;
  if (outcome === 'succeeded') {
    await recordPaymentOutcome(
      deps.prisma,
      {
        tenantId: attempt.tenantId,
        invoiceId: attempt.invoiceId,
        attempt: attempt.attemptNumber,
        outcome: { status: 'succeeded', paymentIntentId: payment.paymentIntentId, chargeId: payment.chargeId, idempotencyKey: chargeIdempotencyKey(attempt.invoiceId, attempt.attemptNumber) },
        nextRetryAt: null,
      },
      now,
    );
  }
  if (attempt.subscriptionId) result.signalled = await deps.probe.deliverPaymentEvent(paymentEventOf(attempt, payment, outcome, now.getTime()));
  return result;
}
