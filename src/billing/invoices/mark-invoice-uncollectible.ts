import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction } from '../db.js';
import { failure } from '../failures.js';
import { lockInvoice } from '../locks.js';
import { invoiceEvent, writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

/**
 * Dunning gave up on an open invoice: it is written off as uncollectible (it may still be paid,
 * or voided later, as in Stripe). The credit it used stays used. Any other status is returned
 * untouched; a draft was never issued. `now` is the billing clock.
 */
export async function markInvoiceUncollectible(prisma: PrismaClient, input: { tenantId: string; invoiceId: string }, now: Date): Promise<InvoiceSummary> {
  const { tenantId, invoiceId } = input;
  await requireInvoice(prisma, tenantId, invoiceId);
  return runInTransaction(prisma, async (tx) => {
    await lockInvoice(tx, tenantId, invoiceId);
    const invoice = await requireInvoice(tx, tenantId, invoiceId);
    if (invoice.status === 'draft') throw failure('invoice_not_finalized', `Invoice ${invoiceId} is a draft`, { invoiceId });
    if (invoice.status !== 'open') return toInvoiceSummary(invoice);
    const updated = await tx.invoice.update({ where: { id: invoice.id }, data: { status: 'uncollectible', markedUncollectibleAt: now, nextPaymentAttemptAt: null } });
    const summary = toInvoiceSummary(updated);
    await writeOutboxEvents(tx, tenantId, [
      invoiceEvent('invoice.marked_uncollectible', invoice.id, 'uncollectible', {
        number: invoice.number,
        subscriptionId: invoice.subscriptionId,
        customerId: invoice.customerId,
        amountDue: summary.amountDue,
      }),
    ]);
    return summary;
  });
}
