import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toCouponView } from './views.js';
import type { CouponView } from './views.js';

const listCouponsInput = z.object({
  tenantId: idSchema,
  /** true: only coupons not archived; false: only archived ones; absent: both. */
  active: z.boolean().optional(),
  /** Exact code, as customers type it (codes are unique per tenant, so at most one match). */
  code: z.string().trim().min(1).optional(),
  ...pageInputShape,
});

export type ListCouponsInput = z.input<typeof listCouponsInput>;

/** The tenant's coupons, newest first. */
export async function listCoupons(prisma: Db, input: ListCouponsInput): Promise<Page<CouponView>> {
  const { tenantId, active, code, ...page } = parseInput(listCouponsInput, input);
  const query = pageQuery(page);
  const where: Prisma.CouponWhereInput = {
    tenantId,
    ...(active === undefined ? {} : { archivedAt: active ? null : { not: null } }),
    ...(code === undefined ? {} : { code }),
    // pageQuery's cursor condition only names createdAt and id, which every model has.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.coupon.findMany({ where, orderBy: query.orderBy, take: query.take });
  return toPage(rows, page, toCouponView);
}
