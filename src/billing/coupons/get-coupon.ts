import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toCouponView } from './views.js';
import type { CouponView } from './views.js';

const getCouponInput = z.object({ tenantId: idSchema, couponId: idSchema });

export type GetCouponInput = z.input<typeof getCouponInput>;

/** A coupon, archived or not; another tenant's is `coupon_not_found`. */
export async function getCoupon(prisma: Db, input: GetCouponInput): Promise<CouponView> {
  const { tenantId, couponId } = parseInput(getCouponInput, input);
  const coupon = await prisma.coupon.findFirst({ where: { id: couponId, tenantId } });
  if (coupon === null) throw notFound('coupon', couponId);
  return toCouponView(coupon);
}
