import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { currencySchema, idSchema, parseInput } from '../validation.js';
import { toPriceView } from './views.js';
import type { PriceView } from './views.js';

const listPricesInput = z.object({
  tenantId: idSchema,
  productId: idSchema.optional(),
  /** true: only prices not archived; false: only archived ones; absent: both. */
  active: z.boolean().optional(),
  currency: currencySchema.optional(),
  ...pageInputShape,
});

export type ListPricesInput = z.input<typeof listPricesInput>;

/** The tenant's prices, newest first. Filters combine with AND; another tenant's product matches nothing. */
export async function listPrices(prisma: Db, input: ListPricesInput): Promise<Page<PriceView>> {
  const { tenantId, productId, active, currency, ...page } = parseInput(listPricesInput, input);
  const query = pageQuery(page);
  const where: Prisma.PriceWhereInput = {
    tenantId,
    ...(productId === undefined ? {} : { productId }),
    ...(active === undefined ? {} : { archivedAt: active ? null : { not: null } }),
    ...(currency === undefined ? {} : { currency }),
    // pageQuery's cursor condition only names createdAt and id, which every model has.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.price.findMany({ where, orderBy: query.orderBy, take: query.take });
  return toPage(rows, page, toPriceView);
}
