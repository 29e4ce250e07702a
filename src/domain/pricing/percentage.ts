import { DomainError } from '../errors.js';
import { add, compare, max, min, mul, ratio, ZERO } from '../rational.js';
import type { Rational } from '../rational.js';
import { nonNegative } from './quantities.js';
import type { ExactPricer, PercentagePrice } from './types.js';

/**
 * Percentage of an amount (Lago "percentage", a payment-style fee): each transaction costs
 * `percentage`% of its amount plus `fixedAmount`, clamped per transaction to the min and max.
 * The clamp applies per transaction, not to the total, because that is how a "2.9% + 30¢,
 * at least 50¢, at most $10 per payment" fee is stated. Transactions are summed exactly and the
 * line is rounded once.
 */
export function percentagePricer(definition: PercentagePrice): ExactPricer {
  const rate = mul(nonNegative(definition.percentage, 'percentage'), ratio(1n, 100n));
  const fixed = nonNegative(definition.fixedAmount, 'fixedAmount');
  const { minAmountPerTransaction, maxAmountPerTransaction } = definition;
  const floor = minAmountPerTransaction === undefined ? null : nonNegative(minAmountPerTransaction, 'minAmountPerTransaction');
  const ceiling = maxAmountPerTransaction === undefined ? null : nonNegative(maxAmountPerTransaction, 'maxAmountPerTransaction');
  if (floor !== null && ceiling !== null && compare(floor, ceiling) > 0) {
    throw new DomainError('invalid_price_definition', 'minAmountPerTransaction exceeds maxAmountPerTransaction');
  }
  return (units, transactions) => {
    const amounts = transactions ?? [units];
    let total: Rational = ZERO;
    let base: Rational = ZERO;
    for (const amount of amounts) {
      let fee = add(mul(amount, rate), fixed);
      fee = floor === null ? fee : max(fee, floor);
      fee = ceiling === null ? fee : min(fee, ceiling);
      total = add(total, fee);
      base = add(base, amount);
    }
    return { exact: total, unitAmount: null, billableUnits: base, tiers: [] };
  };
}
