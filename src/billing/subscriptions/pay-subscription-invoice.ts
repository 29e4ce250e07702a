import { failure } from '../failures.js';
import { getInvoice } from '../invoices/get-invoice.js';
import type { InvoiceView } from '../invoices/views.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';

export interface PaidInvoiceOutcome {
  /** succeeded, declined, requires_action, no_payment_method, rejected, already_paid or not_collectible. */
  outcome: string;
  declineCode: string | null;
  invoice: InvoiceView;
}

/**
 * "Pay now": charges an open invoice at once instead of at its next retry, through the workflow
 * that collects it (a charge beside it would race its dunning timers). `attemptKey` names this
 * request so a retried call charges once.
 */
export async function paySubscriptionInvoice(
  deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>,
  input: { tenantId: string; invoiceId: string; attemptKey: string },
): Promise<PaidInvoiceOutcome> {
  const { tenantId, invoiceId } = input;
  const invoice = await getInvoice(deps.prisma, { tenantId, invoiceId });
  if (invoice.status !== 'open') throw failure('invoice_not_open', `Invoice ${invoiceId} is ${invoice.status}`, { invoiceId, status: invoice.status });
  if (invoice.subscriptionId === null) throw failure('invoice_not_collectible', `Invoice ${invoiceId} has no subscription collecting it`);
  const result = await deps.workflows.payInvoice(invoice.subscriptionId, invoiceId, `pay:${invoiceId}:${input.attemptKey}`);
  return { outcome: result.outcome, declineCode: result.declineCode, invoice: await getInvoice(deps.prisma, { tenantId, invoiceId }) };
}
