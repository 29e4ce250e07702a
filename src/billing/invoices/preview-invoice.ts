import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { lockCustomer } from '../locks.js';
import { applyCreditBalanceInTransaction } from './apply-credit-balance.js';
import { draftInvoiceInTransaction } from './create-invoice.js';
import type { CreateInvoiceInput } from './invoice-input.js';
import { repriceDraftInTransaction, type RepriceDraftInput } from './reprice-draft-invoice.js';
import { toInvoiceView, type InvoiceView } from './views.js';

/** Thrown to roll the preview's transaction back, carrying what it computed. */
class PreviewComputed extends Error {
  constructor(readonly view: InvoiceView) {
    super('preview computed');
  }
}

/**
 * An invoice exactly as issuing it now would make it, by running the very code that issues
 * invoices — draft (or price a held draft again), apply the credit balance — in a transaction
 * that is rolled back: nothing is written, no number or coupon period is taken. The view has no
 * id; its lines are in invoice order.
 */
export async function previewInvoice(prisma: PrismaClient, input: { draft: CreateInvoiceInput } | { held: RepriceDraftInput }, now: Date): Promise<InvoiceView> {
  try {
    await prisma.$transaction(
      async (tx) => {
        // As issueInvoice: the customer's lock before anything that inserts an invoice.
        const customerId = 'draft' in input ? input.draft.customerId : (await tx.invoice.findFirstOrThrow({ where: { id: input.held.invoiceId, tenantId: input.held.tenantId }, select: { customerId: true } })).customerId;
        await lockCustomer(tx, 'draft' in input ? input.draft.tenantId : input.held.tenantId, customerId);
        const summary =
          'draft' in input
            ? await draftInvoiceInTransaction(tx, { ...input.draft, sourceKey: `preview:${newId('prv')}` }, now)
            : await repriceDraftInTransaction(tx, input.held, now);
        const tenantId = 'draft' in input ? input.draft.tenantId : input.held.tenantId;
        await applyCreditBalanceInTransaction(tx, { tenantId, invoiceId: summary.invoiceId, customerId });
        const invoice = await tx.invoice.findUniqueOrThrow({ where: { id: summary.invoiceId }, include: { lines: { orderBy: { position: 'asc' } } } });
        throw new PreviewComputed(toInvoiceView(invoice, invoice.lines));
      },
      { maxWait: 15_000, timeout: 30_000 },
    );
  } catch (error) {
    if (error instanceof PreviewComputed) return error.view;
    throw error;
  }
  throw new Error('the preview transaction ended without computing a preview');
}
