import type { MrrBucket } from './mrr-movements.js';
import { ratio } from './rational.js';
import { roundRational } from './rounding.js';

/** What finance reads off one bucket of the MRR history. Rates are fractions (0.25 = 25 %). */
export interface MrrMetrics {
  /** Closing MRR × 12. */
  readonly arr: bigint;
  /** Closing MRR ÷ paying customers at the close (minor units, half-up); null without customers. */
  readonly arpu: bigint | null;
  /** Customers churned ÷ paying customers at the start. */
  readonly subscriberChurnRate: number | null;
  /** Gross revenue churn: (churned + contracted MRR) ÷ opening MRR. */
  readonly revenueChurnRate: number | null;
  /** The opening customers' closing MRR ÷ opening MRR: expansion counts, new and reactivated customers do not. */
  readonly netRevenueRetention: number | null;
  /** ARPU ÷ monthly revenue churn rate; only for monthly buckets, null when nothing churned. */
  readonly ltv: bigint | null;
}

/** A ratio as a fraction rounded to six places (a rate, not money: a float is what it is read as). */
function rate(numerator: bigint, denominator: bigint): number | null {
  if (denominator === 0n) return null;
  return Number(roundRational(ratio(numerator * 1_000_000n, denominator), 'half_up')) / 1_000_000;
}

/** The metrics of a bucket; `monthly` says whether its churn rate is a monthly one (LTV needs that). */
export function mrrMetrics(bucket: MrrBucket, options: { monthly: boolean }): MrrMetrics {
  const lost = -(bucket.movements.churn + bucket.movements.contraction);
  const closingCustomers = BigInt(bucket.customers.closing);
  const arpu = closingCustomers === 0n ? null : roundRational(ratio(bucket.closingMrr, closingCustomers), 'half_up');
  // LTV = ARPU ÷ (lost ÷ opening) = closing × opening ÷ (customers × lost), rounded once.
  const ltv =
    options.monthly && closingCustomers > 0n && lost > 0n && bucket.openingMrr > 0n
      ? roundRational(ratio(bucket.closingMrr * bucket.openingMrr, closingCustomers * lost), 'half_up')
      : null;
  return {
    arr: bucket.closingMrr * 12n,
    arpu,
    subscriberChurnRate: rate(BigInt(bucket.customers.churned), BigInt(bucket.customers.opening)),
    revenueChurnRate: rate(lost, bucket.openingMrr),
    netRevenueRetention: rate(bucket.cohortClosingMrr, bucket.openingMrr),
    ltv,
  };
}
