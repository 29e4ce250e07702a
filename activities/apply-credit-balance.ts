import { applyCreditBalance as applyBalance } from '../src/billing/invoices/apply-credit-balance.js';
import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import type { ActivityDependencies } from './dependencies.js';
import type { InvoiceRef } from './types.js';

export function applyCreditBalance(deps: ActivityDependencies, input: InvoiceRef): Promise<InvoiceSummary> {
  return applyBalance(deps.prisma, input);
}
