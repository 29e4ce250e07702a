import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toInvoiceView } from './views.js';
import type { InvoiceView } from './views.js';

const getInvoiceInput = z.object({ tenantId: idSchema, invoiceId: idSchema });

export type GetInvoiceInput = z.input<typeof getInvoiceInput>;

/** One invoice with its lines in invoice order; another tenant's invoice is `invoice_not_found`. */
export async function getInvoice(prisma: Db, input: GetInvoiceInput): Promise<InvoiceView> {
  const { tenantId, invoiceId } = parseInput(getInvoiceInput, input);
  const invoice = await prisma.invoice.findFirst({
    where: { id: invoiceId, tenantId },
    // Lines always share their invoice's tenant; the filter keeps "every query names the tenant" literal.
    include: { lines: { where: { tenantId }, orderBy: { position: 'asc' } } },
  });
  if (invoice === null) throw notFound('invoice', invoiceId);
  return toInvoiceView(invoice, invoice.lines);
}
