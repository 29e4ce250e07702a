import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toCouponView } from './views.js';
import type { CouponView } from './views.js';

const archiveCouponInput = z.object({ tenantId: idSchema, couponId: idSchema });

export type ArchiveCouponInput = z.input<typeof archiveCouponInput>;

/**
 * Stops new redemptions (applyCoupon only takes coupons that are not archived); discounts already
 * made keep running their course. Repeating keeps the first archive instant.
 */
export async function archiveCoupon(prisma: Db, input: ArchiveCouponInput): Promise<CouponView> {
  const { tenantId, couponId } = parseInput(archiveCouponInput, input);
  await prisma.coupon.updateMany({ where: { id: couponId, tenantId, archivedAt: null }, data: { archivedAt: new Date() } });
  const coupon = await prisma.coupon.findFirst({ where: { id: couponId, tenantId } });
  if (coupon === null) throw notFound('coupon', couponId);
  return toCouponView(coupon);
}
