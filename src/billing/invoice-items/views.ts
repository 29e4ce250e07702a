import { z } from 'zod';
import type { InvoiceItem } from '../../generated/prisma/client.js';
import { decimalString, moneyFromColumn } from '../amounts.js';
import { instant, isoOrNull, minorUnits } from '../view-fields.js';

export const invoiceItemViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('invoice_item'),
    customerId: z.string(),
    subscriptionId: z.string().nullable().describe("A setup fee: only this subscription's invoices bill it"),
    currency: z.string(),
    description: z.string(),
    priceId: z.string().nullable(),
    quantity: z.int(),
    unitAmountDecimal: z.string().nullable(),
    amount: minorUnits,
    periodStart: instant.nullable(),
    periodEnd: instant.nullable(),
    status: z.enum(['pending', 'invoiced', 'deleted']).describe('pending: waiting for the next invoice'),
    invoiceId: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'InvoiceItem' });

export type InvoiceItemView = z.infer<typeof invoiceItemViewSchema>;

export function toInvoiceItemView(item: InvoiceItem): InvoiceItemView {
  return {
    id: item.id,
    object: 'invoice_item',
    customerId: item.customerId,
    subscriptionId: item.subscriptionId,
    currency: item.currency.toUpperCase(),
    description: item.description,
    priceId: item.priceId,
    quantity: item.quantity,
    unitAmountDecimal: decimalString(item.unitAmountDecimal),
    amount: moneyFromColumn(item.amount, item.currency).amount,
    periodStart: isoOrNull(item.periodStart),
    periodEnd: isoOrNull(item.periodEnd),
    status: item.status as InvoiceItemView['status'],
    invoiceId: item.invoiceId,
    createdAt: item.createdAt.toISOString(),
  };
}
