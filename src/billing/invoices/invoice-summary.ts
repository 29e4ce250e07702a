import type { Money } from '../../domain/index.js';
import type { Invoice } from '../../generated/prisma/client.js';
import { moneyFromColumn } from '../amounts.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

/**
 * An invoice's named sums as the subscription workflow sees them. It travels in Temporal
 * payloads, so money is `{ amount: safe integer minor units, currency }`.
 */
export interface InvoiceSummary {
  invoiceId: string;
  number: string | null;
  status: InvoiceStatus;
  currency: string;
  subtotal: Money;
  discount: Money;
  tax: Money;
  total: Money;
  creditApplied: Money;
  amountDue: Money;
  amountPaid: Money;
  attemptCount: number;
}

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

/** The tenant's invoice, or `invoice_not_found` (another tenant's is not found either). */
export async function requireInvoice(db: Db, tenantId: string, invoiceId: string): Promise<Invoice> {
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, tenantId } });
  if (invoice === null) throw notFound('invoice', invoiceId);
  return invoice;
}
