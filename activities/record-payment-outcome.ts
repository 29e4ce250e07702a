import type { InvoiceSummary } from '../src/billing/invoices/invoice-summary.js';
import { recordPaymentOutcome as record, type RecordPaymentOutcomeInput } from '../src/billing/invoices/record-payment-outcome.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

export function recordPaymentOutcome(deps: ActivityDependencies, input: RecordPaymentOutcomeInput): Promise<InvoiceSummary> {
  return record(deps.prisma, input, clockOf(deps));
}
