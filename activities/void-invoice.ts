import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { voidInvoice as voidIt } from '../src/billing/invoices/void-invoice.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';
import type { InvoiceRef } from './types.js';

export function voidInvoice(deps: ActivityDependencies, input: InvoiceRef): Promise<InvoiceSummary> {
  return voidIt(deps.prisma, input, clockOf(deps));
}
