import { failure, isBillingError } from '../failures.js';
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
 * A one-off invoice is collected by its own workflow; one its policy left open after dunning (the
 * workflow has finished) gets a new collection run first, continuing the invoice's attempt numbers.
 */
async function payOneOff(deps: Pick<SubscriptionCommandDependencies, 'workflows'>, tenantId: string, invoiceId: string, attemptsBefore: number, updateId: string) {
  try {
    return await deps.workflows.payOneOffInvoice(invoiceId, updateId);
  } catch (error) {
    if (!isBillingError(error, 'collection_ended')) throw error;
    await deps.workflows.startInvoiceCollection({ tenantId, invoiceId, attemptsBefore });
    return deps.workflows.payOneOffInvoice(invoiceId, updateId);
  }
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
  const updateId = `pay:${invoiceId}:${input.attemptKey}`;
  const result = invoice.subscriptionId === null ? await payOneOff(deps, tenantId, invoiceId, invoice.attemptCount, updateId) : await deps.workflows.payInvoice(invoice.subscriptionId, invoiceId, updateId);
  return { outcome: result.outcome, declineCode: result.declineCode, invoice: await getInvoice(deps.prisma, { tenantId, invoiceId }) };
}
