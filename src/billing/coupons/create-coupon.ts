import { z } from 'zod';
import { assertCoupon } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { columnFromMoney } from '../amounts.js';
import { isUniqueViolation } from '../db.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import { currencySchema, idSchema, parseInput } from '../validation.js';
import { couponFromRow } from './coupon-definition.js';

const createCouponInput = z.object({
  tenantId: idSchema,
  code: z.string().trim().min(1),
  name: z.string().trim().min(1).nullish(),
  percentOff: z
    .union([z.string().trim().min(1), z.number()])
    .transform(String)
    .refine((value) => /^\d{1,3}(\.\d{1,6})?$/.test(value), { message: 'A percentage with at most 6 decimal places' })
    .optional(),
  amountOff: z.object({ amount: z.int(), currency: currencySchema }).optional(),
  duration: z.enum(['once', 'repeating', 'forever']),
  durationInPeriods: z.int().min(1).optional(),
  maxRedemptions: z.int().min(1).optional(),
  /** Epoch ms after which the coupon can no longer be applied. */
  redeemBy: z.int().min(0).optional(),
});

export type CreateCouponInput = z.input<typeof createCouponInput>;

export interface CreatedCoupon {
  couponId: string;
  code: string;
}

export async function createCoupon(prisma: PrismaClient, input: CreateCouponInput): Promise<CreatedCoupon> {
  const parsed = parseInput(createCouponInput, input);
  if ((parsed.percentOff === undefined) === (parsed.amountOff === undefined)) {
    throw failure('invalid_coupon', 'A coupon has exactly one of percentOff and amountOff');
  }
  const id = newId('coupon');
  const row = {
    id,
    percentOff: parsed.percentOff ?? null,
    amountOff: parsed.amountOff === undefined ? null : BigInt(parsed.amountOff.amount),
    currency: parsed.amountOff?.currency ?? null,
    duration: parsed.duration,
    durationInPeriods: parsed.durationInPeriods ?? null,
  };
  const coupon = withDomainValidation(() => {
    const domainCoupon = couponFromRow(row);
    assertCoupon(domainCoupon);
    return domainCoupon;
  });
  if ((await prisma.tenant.count({ where: { id: parsed.tenantId } })) === 0) throw notFound('tenant', parsed.tenantId);
  try {
    await prisma.coupon.create({
      data: {
        id,
        tenantId: parsed.tenantId,
        code: parsed.code,
        name: parsed.name ?? null,
        percentOff: coupon.type === 'percent' ? String(coupon.percentOff) : null,
        amountOff: coupon.type === 'fixed_amount' ? columnFromMoney(coupon.amountOff) : null,
        currency: coupon.type === 'fixed_amount' ? coupon.amountOff.currency : null,
        duration: coupon.duration,
        durationInPeriods: coupon.durationInPeriods ?? null,
        maxRedemptions: parsed.maxRedemptions ?? null,
        redeemBy: parsed.redeemBy === undefined ? null : new Date(parsed.redeemBy),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw failure('coupon_code_taken', `Coupon code ${parsed.code} is taken`, { code: parsed.code });
    throw error;
  }
  return { couponId: id, code: parsed.code };
}
