import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction } from '../db.js';
import { postCreditEntry } from '../credit/credit-ledger.js';
import { failure } from '../failures.js';
import { lockCustomer, lockInvoice } from '../locks.js';
import { invoiceEvent, writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { restoreConsumedDiscounts } from './invoice-discounts.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

/**
 * Voids an open or uncollectible invoice: nothing is owed for it any more. What it took is given
 * back in the same transaction: the credit balance it consumed (as Stripe does since API version
 * 2019-12-03) and the period it counted against each discount (a `once` coupon applies again).
 * Paid and void invoices are final and returned untouched (a payment that won the race stands);
 * a draft was never issued (`invoice_not_finalized`). `now` is the billing clock.
 */
export async function voidInvoice(prisma: PrismaClient, input: { tenantId: string; invoiceId: string }, now: Date): Promise<InvoiceSummary> {
  const { tenantId, invoiceId } = input;
  const { customerId } = await requireInvoice(prisma, tenantId, invoiceId);
  return runInTransaction(prisma, async (tx) => {
    await lockCustomer(tx, tenantId, customerId);
    await lockInvoice(tx, tenantId, invoiceId);
    const invoice = await requireInvoice(tx, tenantId, invoiceId);
    if (invoice.status === 'draft') throw failure('invoice_not_finalized', `Invoice ${invoiceId} is a draft`, { invoiceId });
    if (invoice.status !== 'open' && invoice.status !== 'uncollectible') return toInvoiceSummary(invoice);
    const updated = await tx.invoice.update({
      where: { id: invoice.id },
      data: { status: 'void', voidedAt: now, nextPaymentAttemptAt: null, attentionReason: null, attentionMessage: null, attentionSince: null },
    });
    if (invoice.creditApplied > 0n) {
      await postCreditEntry(tx, {
        tenantId,
        customerId,
        amount: invoice.creditApplied,
        currency: invoice.currency,
        reason: 'invoice_voided',
        invoiceId: invoice.id,
        sourceKey: `invoice:${invoice.id}:credit_restored`,
      });
    }
    await restoreConsumedDiscounts(tx, tenantId, invoice.consumedDiscountIds);
    const summary = toInvoiceSummary(updated);
    await writeOutboxEvents(tx, tenantId, [
      invoiceEvent('invoice.voided', invoice.id, 'void', {
        number: invoice.number,
        subscriptionId: invoice.subscriptionId,
        customerId: invoice.customerId,
        amountDue: summary.amountDue,
        creditRestored: summary.creditApplied,
        discountsRestored: invoice.consumedDiscountIds,
      }),
    ]);
    return summary;
  });
}
