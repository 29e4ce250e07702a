import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toDiscountView, type DiscountView } from './views.js';

const getDiscountInput = z.object({ tenantId: idSchema, discountId: idSchema });

/** One applied coupon with its coupon; another tenant's discount is `discount_not_found`. */
export async function getDiscount(prisma: Db, input: z.input<typeof getDiscountInput>): Promise<DiscountView> {
  const { tenantId, discountId } = parseInput(getDiscountInput, input);
  const discount = await prisma.discount.findFirst({ where: { id: discountId, tenantId }, include: { coupon: true } });
  if (discount === null) throw notFound('discount', discountId);
  return toDiscountView(discount);
}
