import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toInvoiceItemView, type InvoiceItemView } from './views.js';

const listInvoiceItemsInput = z.object({ tenantId: idSchema, customerId: idSchema, status: z.enum(['pending', 'invoiced', 'deleted']).optional(), ...pageInputShape });

/** A customer's invoice items, newest first. */
export async function listInvoiceItems(prisma: Db, input: z.input<typeof listInvoiceItemsInput>): Promise<Page<InvoiceItemView>> {
  const { tenantId, customerId, status, ...page } = parseInput(listInvoiceItemsInput, input);
  if ((await prisma.customer.count({ where: { id: customerId, tenantId } })) === 0) throw notFound('customer', customerId);
  const query = pageQuery(page);
  const where: Prisma.InvoiceItemWhereInput = { tenantId, customerId, ...(status === undefined ? {} : { status }), ...(query.after === undefined ? {} : { AND: [query.after] }) };
  return toPage(await prisma.invoiceItem.findMany({ where, orderBy: query.orderBy, take: query.take }), page, toInvoiceItemView);
}
