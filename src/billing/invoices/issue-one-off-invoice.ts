import type { SubscriptionCommandDependencies } from '../subscriptions/command-dependencies.js';
import { createOneOffInvoice } from './create-one-off-invoice.js';
import { getInvoice } from './get-invoice.js';
import type { InvoiceView } from './views.js';

/**
 * `POST /v1/invoices`: the one-off invoice issued (drafted, discounted, taxed, credit applied,
 * finalized), then its collection workflow started — unless nothing is due. A retry with the
 * same id finds the invoice and (re)starts its collection, which is a no-op when it runs.
 */
export async function issueOneOffInvoice(
  deps: SubscriptionCommandDependencies,
  input: { tenantId: string; customerId: string; id?: string | undefined; items: unknown[] },
): Promise<InvoiceView> {
  const issued = await createOneOffInvoice(deps.prisma, { tenantId: input.tenantId, customerId: input.customerId, items: input.items, ...(input.id === undefined ? {} : { id: input.id }) }, new Date(await deps.now()));
  if (issued.status === 'open' && issued.attemptCount === 0) {
    await deps.workflows.startInvoiceCollection({ tenantId: input.tenantId, invoiceId: issued.invoiceId, attemptsBefore: 0 });
  }
  return getInvoice(deps.prisma, { tenantId: input.tenantId, invoiceId: issued.invoiceId });
}
