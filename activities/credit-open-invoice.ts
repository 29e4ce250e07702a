import { createCreditNote } from '../src/billing/credit-notes/create-credit-note.js';
import type { CreditNoteView } from '../src/billing/credit-notes/views.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';
import type { CreditOpenInvoiceInput } from './types.js';


/** A credit note that reduces what is due on an open invoice, issued by the workflow collecting it. */
export async function creditOpenInvoice(deps: ActivityDependencies, input: CreditOpenInvoiceInput): Promise<{ creditNote: CreditNoteView; invoice: InvoiceSummary }> {
  const creditNote = await createCreditNote(deps.prisma, { ...input, byCollector: true }, clockOf(deps));
  return { creditNote, invoice: toInvoiceSummary(await requireInvoice(deps.prisma, input.tenantId, input.invoiceId)) };
}
