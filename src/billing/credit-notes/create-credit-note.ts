import { moneyFromColumn } from '../amounts.js';
import { z } from 'zod';
import { computeCreditNote, type CreditableInvoice, type CreditNoteRequest } from '../../domain/index.js';
import type { Invoice, Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { postCreditEntry } from '../credit/credit-ledger.js';
import { runInTransaction, type BillingDatabase } from '../db.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import { requireInvoice } from '../invoices/invoice-summary.js';
import { lockCustomer, lockInvoice } from '../locks.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { idSchema, parseInput } from '../validation.js';
import { takeCreditNoteNumber } from './credit-note-numbers.js';
import { requireCreditNote } from './require-credit-note.js';
import { creditNoteOutcomes, creditNoteReasons, toCreditNoteView, type CreditNoteOutcome, type CreditNoteView } from './views.js';

const positiveAmount = z.int().min(1);

export const createCreditNoteInput = z
  .object({
    tenantId: idSchema,
    invoiceId: idSchema,
    /** Derived from the request's Idempotency-Key: a retried request finds the note it made. */
    id: idSchema.optional(),
    lines: z
      .array(z.object({ invoiceLineId: idSchema, amount: positiveAmount.optional(), quantity: z.int().min(1).optional() }))
      .min(1)
      .max(500)
      .optional(),
    amount: positiveAmount.optional(),
    reason: z.enum(creditNoteReasons),
    memo: z.string().trim().min(1).max(500).nullish(),
    outcome: z.enum(creditNoteOutcomes).optional(),
    /**
     * Set only by the workflow that collects an open invoice (the note runs inside its step, so no
     * charge can be in flight); anyone else is refused an open invoice.
     */
    byCollector: z.boolean().optional(),
  })
  .refine((input) => (input.lines === undefined) !== (input.amount === undefined), { message: 'Give either lines or an amount', path: ['lines'] });

export type CreateCreditNoteInput = z.input<typeof createCreditNoteInput>;

/** What the invoice's payment can still give back: what was paid, less what was (or is being) refunded. */
async function refundable(tx: Prisma.TransactionClient, invoice: Invoice): Promise<bigint> {
  const refunds = await tx.creditNote.aggregate({ where: { invoiceId: invoice.id, outcome: 'refund', refundStatus: { not: 'failed' } }, _sum: { total: true } });
  const byNotes = refunds._sum.total ?? 0n;
  return invoice.amountPaid - (invoice.amountRefunded > byNotes ? invoice.amountRefunded : byNotes);
}

async function creditableInvoice(tx: Prisma.TransactionClient, invoice: Invoice): Promise<CreditableInvoice> {
  const lines = await tx.invoiceLine.findMany({ where: { invoiceId: invoice.id }, orderBy: { position: 'asc' } });
  const credited = await tx.creditNoteLine.groupBy({ by: ['invoiceLineId'], where: { creditNote: { invoiceId: invoice.id }, invoiceLineId: { not: null } }, _sum: { amount: true, quantity: true } });
  const creditedByLine = new Map(credited.map((row) => [row.invoiceLineId, row._sum]));
  return {
    total: invoice.total,
    adjustments: lines.filter((line) => line.kind === 'discount' || line.kind === 'tax').reduce((sum, line) => sum + line.amount, 0n),
    lines: lines
      .filter((line) => line.kind !== 'discount' && line.kind !== 'tax')
      .map((line) => ({
        id: line.id,
        description: line.description,
        amount: line.amount,
        quantity: line.quantity,
        creditedAmount: creditedByLine.get(line.id)?.amount ?? 0n,
        creditedQuantity: creditedByLine.get(line.id)?.quantity ?? 0,
      })),
    credited: invoice.amountCredited,
  };
}

function outcomeFor(invoice: Invoice, asked: CreditNoteOutcome | undefined, byCollector: boolean): CreditNoteOutcome {
  const outcome = asked ?? (invoice.status === 'paid' ? 'refund' : 'reduce_amount_due');
  if (invoice.status === 'paid' && outcome === 'reduce_amount_due') {
    throw failure('invalid_credit_note', `Invoice ${invoice.id} is paid: nothing is due to reduce; refund or credit the balance instead`, { field: 'outcome', status: invoice.status });
  }
  if (invoice.status === 'open') {
    // Collection of an open invoice belongs to its workflow (a charge may be in flight): the
    // workflow issues the note in its own step.
    if (!byCollector) throw failure('invoice_not_paid', `Invoice ${invoice.id} is open: its collecting workflow issues its credit notes`, { invoiceId: invoice.id, status: invoice.status });
    if (outcome !== 'reduce_amount_due') {
      throw failure('invalid_credit_note', `Invoice ${invoice.id} is open: nothing was paid to refund or credit; its credit note reduces what is due`, { field: 'outcome', status: invoice.status });
    }
  }
  return outcome;
}

/**
 * Issues a credit note for a paid invoice in one transaction, under the customer's then the
 * invoice's row lock (the documented order), so concurrent notes queue and each sees the ones
 * before it: the credited total never exceeds the invoice's total, nor a refund what was paid. A
 * refund is recorded `pending` here and asked of the gateway after the commit (refundCreditNote,
 * keyed by the note's id, so a retry can never refund twice).
 */
export async function createCreditNote(prisma: BillingDatabase, input: CreateCreditNoteInput, now: Date = new Date()): Promise<CreditNoteView> {
  const parsed = parseInput(createCreditNoteInput, input);
  const { tenantId, invoiceId } = parsed;
  const id = parsed.id ?? newId('cn');
  const unlocked = await requireInvoice(prisma, tenantId, invoiceId);
  return runInTransaction(prisma, async (tx) => {
    if (!(await lockCustomer(tx, tenantId, unlocked.customerId)) || !(await lockInvoice(tx, tenantId, invoiceId))) throw notFound('invoice', invoiceId);
    const existing = await tx.creditNote.findFirst({ where: { id, tenantId } });
    if (existing !== null) return toCreditNoteView(await requireCreditNote(tx, tenantId, id));
    const invoice = await requireInvoice(tx, tenantId, invoiceId);
    if (invoice.status === 'draft') throw failure('invoice_not_finalized', `Invoice ${invoiceId} is a draft; only finalized invoices can be credited`, { invoiceId });
    if (invoice.status === 'void' || invoice.status === 'uncollectible') {
      throw failure('invoice_not_paid', `Invoice ${invoiceId} is ${invoice.status}: nothing was paid to credit`, { invoiceId, status: invoice.status });
    }
    const outcome = outcomeFor(invoice, parsed.outcome, parsed.byCollector === true);
    const request: CreditNoteRequest =
      parsed.amount !== undefined
        ? { kind: 'amount', amount: BigInt(parsed.amount) }
        : {
            kind: 'lines',
            lines: (parsed.lines ?? []).map((line) => ({
              lineId: line.invoiceLineId,
              ...(line.amount === undefined ? {} : { amount: BigInt(line.amount) }),
              ...(line.quantity === undefined ? {} : { quantity: line.quantity }),
            })),
          };
    const creditable = await creditableInvoice(tx, invoice);
    const amounts = withDomainValidation(() => computeCreditNote(creditable, request));
    if (outcome === 'refund') {
      const left = await refundable(tx, invoice);
      if (amounts.total > left) {
        throw failure('credit_note_exceeds_refundable', `The note credits ${amounts.total} minor units but only ${left} of what was paid can be refunded; credit the balance for the rest`, {
          total: amounts.total.toString(),
          refundable: left.toString(),
        });
      }
    }
    if (outcome === 'reduce_amount_due' && amounts.total > invoice.amountDue) {
      throw failure('credit_note_exceeds_amount_due', `The note credits ${amounts.total} minor units but ${invoice.amountDue} is due`, { total: amounts.total.toString(), amountDue: invoice.amountDue.toString() });
    }
    const number = await takeCreditNoteNumber(tx, tenantId);
    await tx.creditNote.create({
      data: {
        id,
        tenantId,
        invoiceId,
        customerId: invoice.customerId,
        number,
        currency: invoice.currency,
        reason: parsed.reason,
        memo: parsed.memo ?? null,
        outcome,
        subtotal: amounts.subtotal,
        adjustment: amounts.adjustment,
        total: amounts.total,
        refundStatus: outcome === 'refund' ? 'pending' : null,
        createdAt: now,
        lines: {
          create: amounts.lines.map((line, position) => ({
            id: newId('cnl'),
            tenantId,
            invoiceLineId: line.lineId,
            description: line.description,
            quantity: line.quantity,
            amount: line.amount,
            position,
          })),
        },
      },
    });
    const settled = outcome === 'reduce_amount_due' && amounts.total === invoice.amountDue;
    await tx.invoice.update({
      where: { id: invoiceId },
      data: {
        amountCredited: { increment: amounts.total },
        // Less to pay on the open invoice; a note for all that is due settles it (Stripe marks it paid).
        ...(outcome === 'reduce_amount_due' ? { amountDue: { decrement: amounts.total }, nextPaymentAttemptAt: settled ? null : invoice.nextPaymentAttemptAt } : {}),
        ...(settled ? { status: 'paid', paidAt: now } : {}),
      },
    });
    if (settled) {
      await writeOutboxEvents(tx, tenantId, [
        { type: 'invoice.paid', aggregateType: 'invoice', aggregateId: invoiceId, dedupeKey: `invoice:${invoiceId}:paid`, payload: { invoiceId, number: invoice.number, customerId: invoice.customerId, subscriptionId: invoice.subscriptionId, amountPaid: moneyFromColumn(invoice.amountPaid, invoice.currency), byCreditNote: id } },
      ]);
    }
    if (outcome === 'credit_balance') {
      await postCreditEntry(tx, {
        tenantId,
        customerId: invoice.customerId,
        amount: amounts.total,
        currency: invoice.currency,
        reason: `Credit note ${number}`,
        invoiceId,
        sourceKey: `credit_note:${id}`,
      });
    }
    await writeOutboxEvents(tx, tenantId, [
      {
        type: 'credit_note.created',
        aggregateType: 'invoice',
        aggregateId: invoiceId,
        dedupeKey: `credit_note:${id}:created`,
        payload: { creditNoteId: id, number, invoiceId, customerId: invoice.customerId, outcome, total: moneyFromColumn(amounts.total, invoice.currency) },
      },
    ]);
    return toCreditNoteView(await requireCreditNote(tx, tenantId, id));
  });
}
