import { z } from 'zod';
import type { Coupon, Discount } from '../../generated/prisma/client.js';
import { CouponDuration } from '../../generated/prisma/enums.js';
import { decimalString, moneyFromColumn } from '../amounts.js';
import { instant, isoOrNull } from '../view-fields.js';

/**
 * What the API returns for coupons and the discounts they create. The interfaces are what code
 * builds; the schemas (same shape, checked in test/integration/billing/read-operations.test.ts)
 * document the responses in OpenAPI, with `.meta({ id })` naming the component.
 */

export const couponViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('coupon'),
    code: z.string().describe('What customers type in, unique per tenant'),
    name: z.string().nullable(),
    percentOff: z.string().nullable().describe('A decimal string ("12.5"); null for a fixed-amount coupon'),
    amountOff: z.int().nullable().describe('Integer minor units of `currency`; null for a percent coupon'),
    currency: z.string().nullable().describe('The currency of `amountOff`; null for a percent coupon'),
    duration: z.enum(CouponDuration),
    durationInPeriods: z.int().nullable().describe('For `repeating`: how many invoices it discounts'),
    maxRedemptions: z.int().nullable(),
    timesRedeemed: z.int(),
    redeemBy: instant.nullable(),
    active: z.boolean().describe('false once archived: it can no longer be applied; discounts already made keep running'),
    createdAt: instant,
  })
  .meta({ id: 'Coupon' });

export interface CouponView {
  id: string;
  object: 'coupon';
  code: string;
  name: string | null;
  percentOff: string | null;
  amountOff: number | null;
  currency: string | null;
  duration: CouponDuration;
  durationInPeriods: number | null;
  maxRedemptions: number | null;
  timesRedeemed: number;
  redeemBy: string | null;
  active: boolean;
  createdAt: string;
}

export const discountViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('discount'),
    coupon: couponViewSchema,
    customerId: z.string().nullable().describe('Set for a discount on every subscription of the customer'),
    subscriptionId: z.string().nullable().describe('Set for a discount on one subscription'),
    periodsApplied: z.int().describe('How many invoices it has discounted'),
    startedAt: instant,
    endedAt: instant.nullable().describe('null while it still applies'),
  })
  .meta({ id: 'Discount' });

export interface DiscountView {
  id: string;
  object: 'discount';
  coupon: CouponView;
  customerId: string | null;
  subscriptionId: string | null;
  periodsApplied: number;
  startedAt: string;
  endedAt: string | null;
}

export function toCouponView(coupon: Coupon): CouponView {
  const currency = coupon.currency === null ? null : coupon.currency.toUpperCase();
  return {
    id: coupon.id,
    object: 'coupon',
    code: coupon.code,
    name: coupon.name,
    percentOff: decimalString(coupon.percentOff),
    // Through the domain's Money: a BIGINT beyond the safe-integer range fails loudly (amount_overflow).
    amountOff: coupon.amountOff === null || currency === null ? null : moneyFromColumn(coupon.amountOff, currency).amount,
    currency,
    duration: coupon.duration,
    durationInPeriods: coupon.durationInPeriods,
    maxRedemptions: coupon.maxRedemptions,
    timesRedeemed: coupon.timesRedeemed,
    redeemBy: isoOrNull(coupon.redeemBy),
    active: coupon.archivedAt === null,
    createdAt: coupon.createdAt.toISOString(),
  };
}

export function toDiscountView(discount: Discount & { coupon: Coupon }): DiscountView {
  return {
    id: discount.id,
    object: 'discount',
    coupon: toCouponView(discount.coupon),
    customerId: discount.customerId,
    subscriptionId: discount.subscriptionId,
    periodsApplied: discount.periodsApplied,
    startedAt: discount.startedAt.toISOString(),
    endedAt: isoOrNull(discount.endedAt),
  };
}
