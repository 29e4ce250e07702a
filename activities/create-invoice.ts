import { createInvoice as createInvoiceFor } from '../src/billing/invoices/create-invoice.js';
import type { CreateInvoiceInput } from '../src/billing/invoices/invoice-input.js';
import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

export function createInvoice(deps: ActivityDependencies, input: CreateInvoiceInput): Promise<InvoiceSummary> {
  return createInvoiceFor(deps.prisma, input, clockOf(deps));
}
