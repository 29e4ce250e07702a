import { finalizeInvoice as finalize } from '../src/billing/invoices/finalize-invoice.js';
import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';
import type { InvoiceRef } from './types.js';

export function finalizeInvoice(deps: ActivityDependencies, input: InvoiceRef): Promise<InvoiceSummary> {
  return finalize(deps.prisma, input, clockOf(deps));
}
