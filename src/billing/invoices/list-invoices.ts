import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import { InvoiceStatus } from '../../generated/prisma/enums.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toInvoiceListItemView } from './views.js';
import type { InvoiceListItemView } from './views.js';

const listInvoicesInput = z.object({
  tenantId: idSchema,
  status: z.enum(InvoiceStatus).optional(),
  customerId: idSchema.optional(),
  subscriptionId: idSchema.optional(),
  ...pageInputShape,
});

export type ListInvoicesInput = z.input<typeof listInvoicesInput>;

/**
 * The tenant's invoices, newest first, without lines (each item has `lineCount`). Filters combine
 * with AND; a customer or subscription of another tenant simply matches nothing.
 */
export async function listInvoices(prisma: Db, input: ListInvoicesInput): Promise<Page<InvoiceListItemView>> {
  const { tenantId, status, customerId, subscriptionId, ...page } = parseInput(listInvoicesInput, input);
  const query = pageQuery(page);
  const where: Prisma.InvoiceWhereInput = {
    tenantId,
    ...(status === undefined ? {} : { status }),
    ...(customerId === undefined ? {} : { customerId }),
    ...(subscriptionId === undefined ? {} : { subscriptionId }),
    // Rows strictly after the cursor, in (createdAt, id) order.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.invoice.findMany({
    where,
    orderBy: query.orderBy,
    take: query.take,
    include: { _count: { select: { lines: { where: { tenantId } } } } },
  });
  return toPage(rows, page, (row) => toInvoiceListItemView(row, row._count.lines));
}
