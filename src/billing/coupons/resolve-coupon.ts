import type { Db } from '../db.js';
import { notFound } from '../failures.js';

/** The tenant's coupon named by id or by its code; an unknown code is `coupon_not_found`, like an unknown id. */
export async function resolveCouponId(prisma: Db, input: { tenantId: string; couponId?: string | undefined; code?: string | undefined }): Promise<string> {
  if (input.couponId !== undefined) return input.couponId;
  const code = input.code ?? '';
  const coupon = await prisma.coupon.findFirst({ where: { tenantId: input.tenantId, code }, select: { id: true } });
  if (coupon === null) throw notFound('coupon', code);
  return coupon.id;
}
