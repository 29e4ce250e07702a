import { z } from 'zod';
import type { Db } from '../db.js';
import { requireInvoice } from '../invoices/invoice-summary.js';
import { pageInputShape, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { listCreditNotes } from './list-credit-notes.js';
import type { CreditNoteView } from './views.js';

const listInvoiceCreditNotesInput = z.object({ tenantId: idSchema, invoiceId: idSchema, ...pageInputShape });

/** One invoice's credit notes; an invoice of another tenant is not found (never an empty list). */
export async function listInvoiceCreditNotes(prisma: Db, input: z.input<typeof listInvoiceCreditNotesInput>): Promise<Page<CreditNoteView>> {
  const parsed = parseInput(listInvoiceCreditNotesInput, input);
  await requireInvoice(prisma, parsed.tenantId, parsed.invoiceId);
  return listCreditNotes(prisma, parsed);
}
