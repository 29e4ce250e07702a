import { z } from 'zod';
import type { CreditNote, CreditNoteLine } from '../../generated/prisma/client.js';
import { moneyFromColumn } from '../amounts.js';
import { instant, isoOrNull, minorUnits } from '../view-fields.js';

export const creditNoteReasons = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory', 'other'] as const;
export const creditNoteOutcomes = ['refund', 'credit_balance', 'reduce_amount_due'] as const;
export type CreditNoteReason = (typeof creditNoteReasons)[number];
export type CreditNoteOutcome = (typeof creditNoteOutcomes)[number];

export const creditNoteViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('credit_note'),
    number: z.string().describe('Gapless per tenant: CN-000001'),
    invoiceId: z.string(),
    customerId: z.string(),
    currency: z.string(),
    reason: z.enum(creditNoteReasons),
    memo: z.string().nullable(),
    outcome: z.enum(creditNoteOutcomes).describe('refund: through the gateway; credit_balance: onto the customer\'s balance; reduce_amount_due: less to pay on the open invoice'),
    subtotal: minorUnits.describe('The credited line amounts'),
    adjustment: minorUnits.describe("The lines' share of the invoice's discounts (negative) and tax"),
    total: minorUnits.describe('What the note credits'),
    refund: z
      .object({
        status: z.enum(['pending', 'succeeded', 'failed']).describe('pending: asked of the gateway, not yet answered (retried by the stuck-billing sweep)'),
        gatewayRefundId: z.string().nullable(),
        failure: z.string().nullable(),
        refundedAt: instant.nullable(),
      })
      .nullable(),
    lines: z.array(
      z.object({
        id: z.string(),
        invoiceLineId: z.string().nullable(),
        description: z.string(),
        quantity: z.int().nullable(),
        amount: minorUnits,
      }),
    ),
    createdAt: instant,
  })
  .meta({ id: 'CreditNote' });

export type CreditNoteView = z.infer<typeof creditNoteViewSchema>;

export function toCreditNoteView(note: CreditNote & { lines: CreditNoteLine[] }): CreditNoteView {
  const amount = (value: bigint) => moneyFromColumn(value, note.currency).amount;
  return {
    id: note.id,
    object: 'credit_note',
    number: note.number,
    invoiceId: note.invoiceId,
    customerId: note.customerId,
    currency: note.currency.toUpperCase(),
    reason: note.reason as CreditNoteReason,
    memo: note.memo,
    outcome: note.outcome as CreditNoteOutcome,
    subtotal: amount(note.subtotal),
    adjustment: amount(note.adjustment),
    total: amount(note.total),
    refund:
      note.refundStatus === null
        ? null
        : { status: note.refundStatus as 'pending' | 'succeeded' | 'failed', gatewayRefundId: note.gatewayRefundId, failure: note.refundFailure, refundedAt: isoOrNull(note.refundedAt) },
    lines: [...note.lines]
      .sort((a, b) => a.position - b.position)
      .map((line) => ({ id: line.id, invoiceLineId: line.invoiceLineId, description: line.description, quantity: line.quantity, amount: amount(line.amount) })),
    createdAt: note.createdAt.toISOString(),
  };
}
