import type { Invoice } from '../src/generated/prisma/client.js';
import { moneyFromColumn } from '../src/billing/amounts.js';
import type { Db } from '../src/billing/db.js';
import { failure } from '../src/billing/failures.js';
import type { InvoiceSummary } from './types.js';

/** The invoice's named sums as payload money (safe integers, refusing anything larger). */
export function toInvoiceSummary(invoice: Invoice): InvoiceSummary {
  const amount = (value: bigint) => moneyFromColumn(value, invoice.currency);
  return {
    invoiceId: invoice.id,
    number: invoice.number,
    status: invoice.status,
    currency: invoice.currency,
    subtotal: amount(invoice.subtotal),
    discount: amount(invoice.discountTotal),
    tax: amount(invoice.taxTotal),
    total: amount(invoice.total),
    creditApplied: amount(invoice.creditApplied),
    amountDue: amount(invoice.amountDue),
    amountPaid: amount(invoice.amountPaid),
    attemptCount: invoice.attemptCount,
  };
}

/** The tenant's invoice, or a non-retryable `invoice_not_found` (another tenant's is not found). */
export async function requireInvoice(db: Db, tenantId: string, invoiceId: string): Promise<Invoice> {
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, tenantId } });
  if (invoice === null) throw failure('invoice_not_found', `No invoice ${invoiceId}`, { invoiceId });
  return invoice;
}
