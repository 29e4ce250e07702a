import type { BillingInterval } from './billing-period.js';
import { applyCoupons, type Coupon } from './discount.js';
import { DomainError } from './errors.js';
import { fromMinorUnits } from './money.js';
import { priceUsage, type PriceDefinition } from './pricing/index.js';
import { add, div, ratio, ZERO, type Rational } from './rational.js';
import { roundRational } from './rounding.js';

/**
 * Months in one billing interval, the way MRR is normalised everywhere (Stripe, ChartMogul,
 * Baremetrics): a year is 12 months, a week 12/52 of one (so weekly × 52/12 a month), a day
 * 12/365 of one.
 */
export function monthsPerInterval(interval: BillingInterval): Rational {
  const count = BigInt(interval.count);
  if (!Number.isSafeInteger(interval.count) || interval.count < 1) {
    throw new DomainError('invalid_interval', 'An interval count is a positive integer', { count: interval.count });
  }
  switch (interval.unit) {
    case 'month':
      return ratio(count);
    case 'year':
      return ratio(12n * count);
    case 'week':
      return ratio(12n * count, 52n);
    case 'day':
      return ratio(12n * count, 365n);
  }
}

/** A per-period amount as an exact amount per month. */
export function monthlyAmount(periodAmount: bigint, interval: BillingInterval): Rational {
  return div(ratio(periodAmount), monthsPerInterval(interval));
}

/** A per-period amount per month, rounded half-up to minor units. */
export function monthlyMinorUnits(periodAmount: bigint, interval: BillingInterval): bigint {
  return roundRational(monthlyAmount(periodAmount, interval), 'half_up');
}

/** One item of a subscription as MRR sees it. */
export interface MrrItem {
  readonly definition: PriceDefinition;
  readonly quantity: number;
  readonly interval: BillingInterval;
  /** Metered items are usage: never in the recurring MRR (analytics may add invoiced usage). */
  readonly usageType: 'licensed' | 'metered';
}

export interface SubscriptionMrrInput {
  readonly currency: string;
  /** Active or past due: anything else (trialing, incomplete, paused, canceled, unpaid) is no revenue. */
  readonly counted: boolean;
  readonly items: readonly MrrItem[];
  /** The coupons the period's recurring invoice takes off, in the order the invoice applies them. */
  readonly coupons: readonly Coupon[];
}

/**
 * A subscription's monthly recurring revenue in minor units: each licensed item's fee for one
 * period, less the coupons exactly as an invoice applies them to those fees, normalised to a
 * month by the item's interval, summed exactly and rounded half-up once. Tax is not revenue;
 * usage is left to the caller (it is only known once invoiced).
 */
export function subscriptionMrr(input: SubscriptionMrrInput): bigint {
  if (!input.counted) return 0n;
  const licensed = input.items.filter((item) => item.usageType === 'licensed');
  if (licensed.length === 0) return 0n;
  const fees = licensed.map((item) => BigInt(priceUsage(item.definition, item.quantity).amount.amount));
  const discounted =
    input.coupons.length === 0
      ? fees.map(() => 0n)
      : applyCoupons(
          fees.map((fee) => ({ amount: fromMinorUnits(fee, input.currency), discountable: true })),
          input.coupons,
          input.currency,
          'half_up',
        ).perLine.map((off) => BigInt(off.amount));
  let monthly = ZERO;
  for (const [index, item] of licensed.entries()) {
    monthly = add(monthly, monthlyAmount((fees[index] ?? 0n) - (discounted[index] ?? 0n), item.interval));
  }
  return roundRational(monthly, 'half_up');
}
