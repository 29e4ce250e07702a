import type { ChargeInvoiceResult, CreateInvoiceInput, InvoiceSummary } from '../activities/types.js';
import { billing } from './subscription-activities.js';
import { attemptCharge, registerCollection } from './subscription-collection.js';
import type { SubscriptionContext } from './subscription-context.js';
import type { CollectionState } from './subscription-state.js';

export type InvoiceDraft = Omit<CreateInvoiceInput, 'tenantId' | 'customerId' | 'subscriptionId' | 'currency'>;

/**
 * Issuing an invoice, the one sequence every invoice of a subscription goes through: create (by
 * source key, so a retried step finds the same invoice) → apply the credit balance → finalize →
 * collect. An open invoice is registered for collection before `onIssued` records it, so a step
 * that fails after this point still has the invoice collected on its retry; then the first
 * charge is attempted at `collection.at`.
 */
export async function issueInvoice(
  ctx: SubscriptionContext,
  draft: InvoiceDraft,
  collection: { purpose: CollectionState['purpose']; at: number },
  onIssued: (invoice: InvoiceSummary) => Promise<void>,
): Promise<{ invoice: InvoiceSummary; charge: ChargeInvoiceResult | null }> {
  const s = ctx.state;
  const created = await billing.createInvoice({ ...draft, tenantId: s.tenantId, customerId: s.customerId, subscriptionId: s.subscriptionId, currency: s.currency });
  await billing.applyCreditBalance({ tenantId: s.tenantId, invoiceId: created.invoiceId });
  const invoice = await billing.finalizeInvoice({ tenantId: s.tenantId, invoiceId: created.invoiceId });
  const collecting = invoice.status === 'open' ? registerCollection(ctx, invoice, collection.purpose, collection.at) : null;
  await onIssued(invoice);
  const charge = collecting === null ? null : await attemptCharge(ctx, collecting, collection.at);
  return { invoice, charge };
}
