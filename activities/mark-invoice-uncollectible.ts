import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { markInvoiceUncollectible as markUncollectible } from '../src/billing/invoices/mark-invoice-uncollectible.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';
import type { InvoiceRef } from './types.js';

export function markInvoiceUncollectible(deps: ActivityDependencies, input: InvoiceRef): Promise<InvoiceSummary> {
  return markUncollectible(deps.prisma, input, clockOf(deps));
}
