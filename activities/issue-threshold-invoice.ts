import { issueThresholdInvoice as issue, type ThresholdInvoiceResult } from '../src/billing/invoices/issue-threshold-invoice.js';
import type { IssueInvoiceInput } from '../src/billing/invoices/issue-invoice.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

export function issueThresholdInvoice(deps: ActivityDependencies, input: IssueInvoiceInput): Promise<ThresholdInvoiceResult> {
  return issue(deps.prisma, input, clockOf(deps));
}
