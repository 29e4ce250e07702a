import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { repriceDraftInvoice as reprice, type RepriceDraftInput } from '../src/billing/invoices/reprice-draft-invoice.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

export function repriceDraftInvoice(deps: ActivityDependencies, input: RepriceDraftInput): Promise<InvoiceSummary> {
  return reprice(deps.prisma, input, clockOf(deps));
}
