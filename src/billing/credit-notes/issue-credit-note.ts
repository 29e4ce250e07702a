import { RetryableGatewayError, type PaymentGateway } from '../../payments/gateway.js';
import type { BillingDatabase } from '../db.js';
import { createCreditNote, type CreateCreditNoteInput } from './create-credit-note.js';
import { refundCreditNote } from './refund-credit-note.js';
import type { CreditNoteView } from './views.js';

/**
 * A credit note as the API issues it: the note (and its credit) committed first, then its refund
 * asked of the gateway. When the gateway cannot answer now, the note is returned with its refund
 * `pending` — the stuck-billing sweep asks again with the same idempotency key.
 */
export async function issueCreditNote(prisma: BillingDatabase, gateway: PaymentGateway, input: CreateCreditNoteInput, now: Date = new Date()): Promise<CreditNoteView> {
  const note = await createCreditNote(prisma, input, now);
  if (note.refund?.status !== 'pending') return note;
  try {
    return await refundCreditNote(prisma, gateway, { tenantId: input.tenantId, creditNoteId: note.id }, now);
  } catch (error) {
    if (error instanceof RetryableGatewayError) return note;
    throw error;
  }
}
