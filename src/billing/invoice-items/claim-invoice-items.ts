import type { Invoice, Prisma } from '../../generated/prisma/client.js';
import type { InvoiceLineInput } from '../invoices/invoice-input.js';
import { oneOffLine } from './invoice-item-input.js';

/**
 * The one-off charges a recurring subscription invoice bills, claimed for it in its drafting
 * transaction: the subscription's own setup fees, and the customer's pending items in the
 * invoice's currency that belong to no subscription — plus any this invoice claimed before (a
 * held draft priced again). Rows are locked with SKIP LOCKED: an item another invoice is taking
 * at this moment is left to it (if that one rolls back, the item stays pending for the next
 * invoice), so two invoices drafted at once never both bill an item, and drafting never waits on
 * another — it has already taken the customer's key-share lock by inserting its invoice, so
 * waiting could deadlock. A rolled-back preview claims nothing.
 */
export async function claimInvoiceItems(tx: Prisma.TransactionClient, invoice: Invoice): Promise<InvoiceLineInput[]> {
  if (invoice.kind !== 'recurring') return [];
  // Most invoices have none: one indexed look without a lock decides (an item added just after
  // waits for the next invoice).
  const any = await tx.invoiceItem.findFirst({ where: { customerId: invoice.customerId, OR: [{ status: 'pending' }, { invoiceId: invoice.id }] }, select: { id: true } });
  if (any === null) return [];
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM invoice_items
    WHERE tenant_id = ${invoice.tenantId} AND customer_id = ${invoice.customerId} AND currency = ${invoice.currency}
      AND ((status = 'pending' AND (subscription_id IS NULL OR subscription_id = ${invoice.subscriptionId})) OR invoice_id = ${invoice.id})
    ORDER BY created_at, id FOR UPDATE SKIP LOCKED`;
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  await tx.invoiceItem.updateMany({ where: { id: { in: ids } }, data: { status: 'invoiced', invoiceId: invoice.id } });
  const items = await tx.invoiceItem.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return items.map((item) =>
    oneOffLine(
      { ...item, unitAmountDecimal: item.unitAmountDecimal === null ? null : item.unitAmountDecimal.toFixed() },
      item.currency,
    ),
  );
}
