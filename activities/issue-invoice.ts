import { issueInvoice as issue, type IssueInvoiceInput } from '../src/billing/invoices/issue-invoice.js';
import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

export function issueInvoice(deps: ActivityDependencies, input: IssueInvoiceInput): Promise<InvoiceSummary> {
  return issue(deps.prisma, input, clockOf(deps));
}
