import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toProductView } from './views.js';
import type { ProductView } from './views.js';

const listProductsInput = z.object({
  tenantId: idSchema,
  /** true: only products not archived; false: only archived ones; absent: both. */
  active: z.boolean().optional(),
  ...pageInputShape,
});

export type ListProductsInput = z.input<typeof listProductsInput>;

/** The tenant's products, newest first. */
export async function listProducts(prisma: Db, input: ListProductsInput): Promise<Page<ProductView>> {
  const { tenantId, active, ...page } = parseInput(listProductsInput, input);
  const query = pageQuery(page);
  const where: Prisma.ProductWhereInput = {
    tenantId,
    ...(active === undefined ? {} : { archivedAt: active ? null : { not: null } }),
    // pageQuery's cursor condition only names createdAt and id, which every model has.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.product.findMany({ where, orderBy: query.orderBy, take: query.take });
  return toPage(rows, page, toProductView);
}
