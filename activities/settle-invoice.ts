import { runInTransaction } from '../src/billing/db.js';
import { lockInvoice } from '../src/billing/locks.js';
import { failure } from '../src/billing/failures.js';
import type { ActivityDependencies } from './index.js';
import { requireInvoice, toInvoiceSummary } from './invoice-summary.js';
import { invoiceEvent, writeOutboxEvents } from './outbox.js';
import type { InvoiceSummary, SettleInvoiceInput } from './types.js';

/**
 * Dunning's end for an unpaid invoice: `void` or `uncollectible`. Paid and void invoices are final
 * and returned untouched (a payment that won the race stands); an uncollectible one may still be
 * voided, as in Stripe. A draft was never issued, so there is nothing to settle.
 */
export async function settleInvoice(deps: ActivityDependencies, input: SettleInvoiceInput): Promise<InvoiceSummary> {
  const { tenantId, invoiceId, state } = input;
  await requireInvoice(deps.prisma, tenantId, invoiceId);
  return runInTransaction(deps.prisma, async (tx) => {
    await lockInvoice(tx, tenantId, invoiceId);
    const invoice = await requireInvoice(tx, tenantId, invoiceId);
    if (invoice.status === 'draft') throw failure('invoice_not_finalized', `Invoice ${invoiceId} is a draft`, { invoiceId });
    const settles = invoice.status === 'open' || (invoice.status === 'uncollectible' && state === 'void');
    if (!settles) return toInvoiceSummary(invoice);
    const now = new Date((deps.now ?? Date.now)());
    const updated = await tx.invoice.update({
      where: { id: invoice.id },
      data: { status: state, nextPaymentAttemptAt: null, ...(state === 'void' ? { voidedAt: now } : { markedUncollectibleAt: now }) },
    });
    const type = state === 'void' ? 'invoice.voided' : 'invoice.marked_uncollectible';
    await writeOutboxEvents(tx, tenantId, [
      invoiceEvent(type, invoice.id, state, { number: invoice.number, subscriptionId: invoice.subscriptionId, customerId: invoice.customerId, amountDue: toInvoiceSummary(updated).amountDue }),
    ]);
    return toInvoiceSummary(updated);
  });
}
