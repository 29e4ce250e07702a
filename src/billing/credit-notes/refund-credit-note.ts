import { z } from 'zod';
import { GatewayRequestError, type PaymentGateway, type RefundOutcome, type RefundRequest } from '../../payments/gateway.js';
import { moneyFromColumn } from '../amounts.js';
import { runInTransaction, type BillingDatabase } from '../db.js';
import { lockInvoice } from '../locks.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { idSchema, parseInput } from '../validation.js';
import { requireCreditNote } from './require-credit-note.js';
import { toCreditNoteView, type CreditNoteView } from './views.js';

const refundCreditNoteInput = z.object({ tenantId: idSchema, creditNoteId: idSchema });

const GATEWAY_REASONS: Record<string, RefundRequest['reason']> = { duplicate: 'duplicate', fraudulent: 'fraudulent' };

type Answer = RefundOutcome | { status: 'failed'; gatewayRefundId: null; reason: string };

/**
 * Records the gateway's answer to a note's refund. Only a pending refund moves: a late or repeated
 * answer changes nothing. A refund the gateway refused gives the credit back to the invoice
 * (amount credited goes down), so it can be credited another way.
 */
async function recordRefund(prisma: BillingDatabase, tenantId: string, creditNoteId: string, answer: Answer, now: Date): Promise<void> {
  await runInTransaction(prisma, async (tx) => {
    const note = await requireCreditNote(tx, tenantId, creditNoteId);
    await lockInvoice(tx, tenantId, note.invoiceId);
    const moved = await tx.creditNote.updateMany({
      where: { id: creditNoteId, refundStatus: 'pending' },
      data:
        answer.status === 'failed'
          ? { refundStatus: 'failed', refundFailure: answer.reason, gatewayRefundId: answer.gatewayRefundId }
          : answer.status === 'succeeded'
            ? { refundStatus: 'succeeded', refundedAt: now, gatewayRefundId: answer.gatewayRefundId }
            : { gatewayRefundId: answer.gatewayRefundId },
    });
    if (moved.count === 0 || answer.status === 'pending') return;
    if (answer.status === 'failed') {
      await tx.invoice.update({ where: { id: note.invoiceId }, data: { amountCredited: { decrement: note.total } } });
    } else {
      // The gateway's own cumulative figure (from charge.refunded webhooks) and the sum of our
      // refunded notes are both lower bounds of what was refunded: keep the larger.
      const refunded = await tx.creditNote.aggregate({ where: { invoiceId: note.invoiceId, refundStatus: 'succeeded' }, _sum: { total: true } });
      await tx.$executeRaw`UPDATE invoices SET amount_refunded = GREATEST(amount_refunded, ${refunded._sum.total ?? 0n}) WHERE id = ${note.invoiceId}`;
    }
    const facts = { creditNoteId, invoiceId: note.invoiceId, total: moneyFromColumn(note.total, note.currency) };
    const base = { aggregateType: 'invoice', aggregateId: note.invoiceId, dedupeKey: `credit_note:${creditNoteId}:refund` };
    await writeOutboxEvents(tx, tenantId, [
      answer.status === 'failed' ? { ...base, type: 'credit_note.refund_failed', payload: { ...facts, reason: answer.reason } } : { ...base, type: 'credit_note.refunded', payload: facts },
    ]);
  });
}

/**
 * Asks the gateway for a pending note's refund, keyed `refund:<credit note id>` (the gateway's
 * idempotency key), against the invoice's successful payment, and records the answer. Safe to
 * repeat at any point: a crash after the gateway refunded makes the retry find the same refund.
 * A RetryableGatewayError is thrown with the note left pending (the stuck-billing sweep asks
 * again).
 */
export async function refundCreditNote(prisma: BillingDatabase, gateway: PaymentGateway, input: z.input<typeof refundCreditNoteInput>, now: Date = new Date()): Promise<CreditNoteView> {
  const { tenantId, creditNoteId } = parseInput(refundCreditNoteInput, input);
  const note = await requireCreditNote(prisma, tenantId, creditNoteId);
  if (note.outcome !== 'refund' || note.refundStatus !== 'pending') return toCreditNoteView(note);
  const payment = await prisma.paymentAttempt.findFirst({
    where: { invoiceId: note.invoiceId, tenantId, status: 'succeeded', gatewayPaymentIntentId: { not: null } },
    orderBy: { attemptNumber: 'desc' },
  });
  let answer: Answer;
  if (payment === null || payment.gatewayPaymentIntentId === null) {
    answer = { status: 'failed', gatewayRefundId: null, reason: 'no_gateway_payment' };
  } else {
    try {
      answer = await gateway.refund({
        tenantId,
        refundId: note.id,
        paymentIntentId: payment.gatewayPaymentIntentId,
        amount: moneyFromColumn(note.total, note.currency),
        reason: GATEWAY_REASONS[note.reason] ?? 'requested_by_customer',
      });
    } catch (error) {
      if (!(error instanceof GatewayRequestError)) throw error;
      answer = { status: 'failed', gatewayRefundId: null, reason: error.code ?? error.message };
    }
  }
  await recordRefund(prisma, tenantId, creditNoteId, answer, now);
  return toCreditNoteView(await requireCreditNote(prisma, tenantId, creditNoteId));
}
