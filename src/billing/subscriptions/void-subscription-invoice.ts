import { failure, isBillingError } from '../failures.js';
import { getInvoice } from '../invoices/get-invoice.js';
import { voidInvoice } from '../invoices/void-invoice.js';
import type { InvoiceView } from '../invoices/views.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';

/**
 * Voids an open or uncollectible invoice through the workflow that collects it, so collection
 * stops in the same step. Once the subscription has ended, nothing collects the invoice and
 * nothing can race a void: it is voided directly. Voiding a void invoice answers it unchanged.
 */
export async function voidSubscriptionInvoice(deps: SubscriptionCommandDependencies, input: { tenantId: string; invoiceId: string }): Promise<InvoiceView> {
  const { tenantId, invoiceId } = input;
  const invoice = await getInvoice(deps.prisma, { tenantId, invoiceId });
  if (!['open', 'uncollectible', 'void'].includes(invoice.status)) {
    throw failure('invoice_not_open', `Invoice ${invoiceId} is ${invoice.status}`, { invoiceId, status: invoice.status });
  }
  if (invoice.status !== 'void') {
    const { subscriptionId } = invoice;
    try {
      // A one-off invoice's own workflow collects it; a subscription's invoice, the subscription's.
      if (subscriptionId === null) await deps.workflows.voidOneOffInvoice(invoiceId, `void:${invoiceId}`);
      else await deps.workflows.voidInvoice(subscriptionId, invoiceId, `void:${invoiceId}`);
    } catch (error) {
      if (!isBillingError(error, 'subscription_ended') && !isBillingError(error, 'collection_ended')) throw error;
      await voidInvoice(deps.prisma, { tenantId, invoiceId }, new Date(await deps.now()));
    }
  }
  return getInvoice(deps.prisma, { tenantId, invoiceId });
}
