import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';

const applyCouponInput = z
  .object({
    tenantId: idSchema,
    couponId: idSchema,
    customerId: idSchema.optional(),
    subscriptionId: idSchema.optional(),
    /** Epoch ms of the redemption (defaults to now); checked against the coupon's redeemBy. */
    at: z.int().min(0).optional(),
  })
  .refine((input) => (input.customerId === undefined) !== (input.subscriptionId === undefined), {
    message: 'Apply a coupon to exactly one of a customer or a subscription',
  });

export type ApplyCouponInput = z.input<typeof applyCouponInput>;

export interface AppliedCoupon {
  discountId: string;
  couponId: string;
  customerId: string | null;
  subscriptionId: string | null;
}

/** The currency the discount will meet on invoices: the subscription's, or the customer's. */
async function targetCurrency(prisma: PrismaClient, input: { tenantId: string; customerId?: string; subscriptionId?: string }): Promise<string | null> {
  if (input.subscriptionId !== undefined) {
    const subscription = await prisma.subscription.findFirst({ where: { id: input.subscriptionId, tenantId: input.tenantId } });
    if (subscription === null) throw notFound('subscription', input.subscriptionId);
    return subscription.currency;
  }
  const customerId = input.customerId ?? '';
  const customer = await prisma.customer.findFirst({ where: { id: customerId, tenantId: input.tenantId } });
  if (customer === null) throw notFound('customer', customerId);
  return customer.currency;
}

/**
 * Redeems a coupon on a customer (all their subscriptions) or on one subscription, creating the
 * Discount the invoices read. The redemption count is taken with a conditional increment, so
 * concurrent redemptions can never exceed `maxRedemptions`.
 */
export async function applyCoupon(prisma: PrismaClient, input: ApplyCouponInput): Promise<AppliedCoupon> {
  const parsed = parseInput(applyCouponInput, input);
  const at = parsed.at ?? Date.now();
  const coupon = await prisma.coupon.findFirst({ where: { id: parsed.couponId, tenantId: parsed.tenantId, archivedAt: null } });
  if (coupon === null) throw notFound('coupon', parsed.couponId);
  if (coupon.redeemBy !== null && coupon.redeemBy.getTime() < at) {
    throw failure('coupon_expired', `Coupon ${coupon.code} could be redeemed until ${coupon.redeemBy.toISOString()}`);
  }
  const currency = await targetCurrency(prisma, parsed);
  if (coupon.currency !== null && currency !== null && coupon.currency !== currency) {
    throw failure('currency_mismatch', `Coupon ${coupon.code} is in ${coupon.currency}, invoices in ${currency}`, {
      currencies: [currency, coupon.currency],
    });
  }
  return runInTransaction(prisma, async (tx) => {
    const limit = coupon.maxRedemptions === null ? {} : { timesRedeemed: { lt: coupon.maxRedemptions } };
    const { count } = await tx.coupon.updateMany({
      where: { id: coupon.id, tenantId: parsed.tenantId, ...limit },
      data: { timesRedeemed: { increment: 1 } },
    });
    if (count === 0) throw failure('coupon_max_redemptions', `Coupon ${coupon.code} has been redeemed the maximum number of times`);
    const discount = await tx.discount.create({
      data: {
        id: newId('di'),
        tenantId: parsed.tenantId,
        couponId: coupon.id,
        customerId: parsed.customerId ?? null,
        subscriptionId: parsed.subscriptionId ?? null,
        startedAt: new Date(at),
      },
    });
    return { discountId: discount.id, couponId: coupon.id, customerId: discount.customerId, subscriptionId: discount.subscriptionId };
  });
}
