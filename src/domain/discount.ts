import { allocateMinorUnits } from './allocation.js';
import { DomainError } from './errors.js';
import { assertMoney, fromMinorUnits } from './money.js';
import type { Money } from './money.js';
import { compare, mul, parseDecimal, ratio, ZERO } from './rational.js';
import type { DecimalInput } from './rational.js';
import { roundRational } from './rounding.js';
import type { RoundingMode } from './rounding.js';

/**
 * Stripe's coupon durations: `once` (the first invoice after redemption), `repeating`
 * (`durationInPeriods` invoices; Stripe counts months, we count billing periods so a quarterly
 * plan is not discounted for a third of a quarter), `forever`.
 */
export type CouponDuration = 'once' | 'repeating' | 'forever';

interface CouponBase {
  readonly id: string;
  readonly duration: CouponDuration;
  /** Required for `repeating`, absent otherwise. */
  readonly durationInPeriods?: number;
}

/** `percentOff` percent (e.g. `25` or `"12.5"`) off the discountable lines. */
export interface PercentOffCoupon extends CouponBase {
  readonly type: 'percent';
  readonly percentOff: DecimalInput;
}

/** A fixed `amountOff` per invoice, in the invoice's currency, never more than the invoice. */
export interface AmountOffCoupon extends CouponBase {
  readonly type: 'fixed_amount';
  readonly amountOff: Money;
}

/** A coupon redeemed on a subscription or customer. */
export type Coupon = PercentOffCoupon | AmountOffCoupon;

/** A line a coupon may reduce. Lines with `discountable: false` or a negative amount are never reduced. */
export interface DiscountableLine {
  readonly amount: Money;
  readonly discountable?: boolean;
}

/** What one coupon took off, in total and per line (positive amounts, subtracted from lines). */
export interface CouponApplication {
  readonly couponId: string;
  readonly amount: Money;
  readonly perLine: readonly Money[];
}

/** All coupons together: `total` is the sum of `perLine`, and of each coupon's `amount`. */
export interface DiscountResult {
  readonly total: Money;
  readonly perLine: readonly Money[];
  readonly byCoupon: readonly CouponApplication[];
}

/** Throws `invalid_coupon` unless the coupon is well formed. */
export function assertCoupon(coupon: Coupon): void {
  const fail = (message: string): never => {
    throw new DomainError('invalid_coupon', message, { couponId: coupon.id });
  };
  if (typeof coupon.id !== 'string' || coupon.id === '') {
    fail('A coupon needs an id');
  }
  if (coupon.duration === 'repeating') {
    if (!Number.isSafeInteger(coupon.durationInPeriods) || (coupon.durationInPeriods ?? 0) < 1) {
      fail('A repeating coupon needs durationInPeriods >= 1');
    }
  } else if (coupon.duration !== 'once' && coupon.duration !== 'forever') {
    fail(`Unknown coupon duration: ${String(coupon.duration)}`);
  } else if (coupon.durationInPeriods !== undefined) {
    fail('durationInPeriods only applies to repeating coupons');
  }
  if (coupon.type === 'percent') {
    const percent = parseDecimal(coupon.percentOff, 'percentOff');
    if (compare(percent, ZERO) <= 0 || compare(percent, ratio(100n)) > 0) {
      fail('percentOff must be greater than 0 and at most 100');
    }
  } else if (coupon.type === 'fixed_amount') {
    assertMoney(coupon.amountOff);
    if (coupon.amountOff.amount <= 0) {
      fail('amountOff must be positive');
    }
  } else {
    fail(`Unknown coupon type: ${String((coupon as { type?: unknown }).type)}`);
  }
}

/**
 * Whether the coupon still applies to the invoice of a period, counting from the first period it
 * was applied to (`periodsSinceRedemption` = 0 for that period).
 */
export function couponAppliesToPeriod(coupon: Coupon, periodsSinceRedemption: number): boolean {
  assertCoupon(coupon);
  if (!Number.isSafeInteger(periodsSinceRedemption) || periodsSinceRedemption < 0) {
    throw new DomainError('invalid_coupon', 'periodsSinceRedemption must be a non-negative integer', {
      periodsSinceRedemption,
    });
  }
  switch (coupon.duration) {
    case 'once':
      return periodsSinceRedemption === 0;
    case 'repeating':
      return periodsSinceRedemption < (coupon.durationInPeriods ?? 0);
    case 'forever':
      return true;
  }
}

/**
 * Applies coupons, in order, before tax. Each coupon works on what the previous ones left: a
 * percentage is taken of the remaining discountable amount and rounded once; a fixed amount is
 * capped at it. Neither may push the invoice below zero (a coupon never creates credit). The
 * coupon's amount is then spread over the discountable lines in proportion to their remaining
 * amounts with largest-remainder allocation, so the per-line discounts (which tax is computed
 * on) add up exactly to the coupon's amount.
 */
export function applyCoupons(
  lines: readonly DiscountableLine[],
  coupons: readonly Coupon[],
  currency: string,
  rounding: RoundingMode,
): DiscountResult {
  const remaining = lines.map((line) => {
    assertMoney(line.amount);
    if (line.amount.currency !== currency) {
      throw new DomainError('currency_mismatch', `Line in ${line.amount.currency} on a ${currency} invoice`, {
        currencies: [currency, line.amount.currency],
      });
    }
    return line.discountable === false || line.amount.amount < 0 ? 0n : BigInt(line.amount.amount);
  });
  let invoiceLeft = lines.reduce((sum, line) => sum + BigInt(line.amount.amount), 0n);
  const perLine = lines.map(() => 0n);
  const byCoupon: CouponApplication[] = [];
  for (const coupon of coupons) {
    assertCoupon(coupon);
    const base = remaining.reduce((sum, value) => sum + value, 0n);
    const cap = base < invoiceLeft ? base : invoiceLeft;
    let amount: bigint;
    if (coupon.type === 'percent') {
      const percent = mul(parseDecimal(coupon.percentOff, 'percentOff'), ratio(1n, 100n));
      amount = roundRational(mul(ratio(base), percent), rounding);
    } else {
      if (coupon.amountOff.currency !== currency) {
        const message = `Coupon ${coupon.id} is in ${coupon.amountOff.currency}, invoice in ${currency}`;
        throw new DomainError('currency_mismatch', message, {
          currencies: [currency, coupon.amountOff.currency],
        });
      }
      amount = BigInt(coupon.amountOff.amount);
    }
    amount = cap <= 0n ? 0n : amount > cap ? cap : amount;
    const shares = amount === 0n ? remaining.map(() => 0n) : allocateMinorUnits(amount, remaining);
    shares.forEach((share, index) => {
      remaining[index] = (remaining[index] ?? 0n) - share;
      perLine[index] = (perLine[index] ?? 0n) + share;
    });
    invoiceLeft -= amount;
    byCoupon.push({
      couponId: coupon.id,
      amount: fromMinorUnits(amount, currency),
      perLine: shares.map((share) => fromMinorUnits(share, currency)),
    });
  }
  return {
    total: fromMinorUnits(perLine.reduce((sum, value) => sum + value, 0n), currency),
    perLine: perLine.map((value) => fromMinorUnits(value, currency)),
    byCoupon,
  };
}
