import { z } from 'zod';
import type { Db } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toInvoiceItemView, type InvoiceItemView } from './views.js';

const deleteInvoiceItemInput = z.object({ tenantId: idSchema, invoiceItemId: idSchema });

/** Withdraws a pending item; one already on an invoice is corrected with a credit note instead. Repeating answers the same. */
export async function deleteInvoiceItem(prisma: Db, input: z.input<typeof deleteInvoiceItemInput>): Promise<InvoiceItemView> {
  const { tenantId, invoiceItemId } = parseInput(deleteInvoiceItemInput, input);
  await prisma.invoiceItem.updateMany({ where: { id: invoiceItemId, tenantId, status: 'pending' }, data: { status: 'deleted', deletedAt: new Date() } });
  const item = await prisma.invoiceItem.findFirst({ where: { id: invoiceItemId, tenantId } });
  if (item === null) throw notFound('invoice_item', invoiceItemId);
  if (item.status === 'invoiced') throw failure('invoice_item_invoiced', `Item ${invoiceItemId} is on invoice ${item.invoiceId}; credit it with a credit note instead`, { invoiceId: item.invoiceId });
  return toInvoiceItemView(item);
}
