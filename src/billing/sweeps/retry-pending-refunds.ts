import { RetryableGatewayError, type PaymentGateway } from '../../payments/gateway.js';
import { refundCreditNote } from '../credit-notes/refund-credit-note.js';
import type { BillingDatabase } from '../db.js';

/** A refund is left to the request that asked for it this long before the sweep asks again. */
export const PENDING_REFUND_GRACE_MS = 2 * 60_000;

export interface PendingRefundsResult {
  asked: number;
  succeeded: number;
  failed: number;
  /** The gateway still could not answer: asked again on the next sweep. */
  stillPending: number;
}

/**
 * Asks the gateway again for every credit-note refund still pending after the grace period (the
 * API process died after the note was committed, or the gateway was down). The request carries
 * the note's own idempotency key, so a refund the gateway already made is found, never repeated.
 */
export async function retryPendingRefunds(prisma: BillingDatabase, gateway: PaymentGateway, input: { now: Date; limit: number }): Promise<PendingRefundsResult> {
  const pending = await prisma.creditNote.findMany({
    where: { refundStatus: 'pending', createdAt: { lt: new Date(input.now.getTime() - PENDING_REFUND_GRACE_MS) } },
    orderBy: { createdAt: 'asc' },
    take: input.limit,
    select: { id: true, tenantId: true },
  });
  const result: PendingRefundsResult = { asked: 0, succeeded: 0, failed: 0, stillPending: 0 };
  for (const note of pending) {
    result.asked += 1;
    try {
      const settled = await refundCreditNote(prisma, gateway, { tenantId: note.tenantId, creditNoteId: note.id }, input.now);
      if (settled.refund?.status === 'succeeded') result.succeeded += 1;
      else if (settled.refund?.status === 'failed') result.failed += 1;
      else result.stillPending += 1;
    } catch (error) {
      if (!(error instanceof RetryableGatewayError)) throw error;
      result.stillPending += 1;
    }
  }
  return result;
}
