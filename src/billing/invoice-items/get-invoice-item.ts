import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toInvoiceItemView, type InvoiceItemView } from './views.js';

const getInvoiceItemInput = z.object({ tenantId: idSchema, invoiceItemId: idSchema });

export async function getInvoiceItem(prisma: Db, input: z.input<typeof getInvoiceItemInput>): Promise<InvoiceItemView> {
  const { tenantId, invoiceItemId } = parseInput(getInvoiceItemInput, input);
  const item = await prisma.invoiceItem.findFirst({ where: { id: invoiceItemId, tenantId } });
  if (item === null) throw notFound('invoice_item', invoiceItemId);
  return toInvoiceItemView(item);
}
