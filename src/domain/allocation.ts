import { DomainError } from './errors.js';
import { fromMinorUnits, toMinorUnits } from './money.js';
import type { Money } from './money.js';
import { parseDecimal } from './rational.js';
import type { DecimalInput } from './rational.js';

/**
 * Largest-remainder (Hamilton) allocation of integer minor units: every share starts at the floor
 * of its exact proportional share, then the units left over go one each to the shares with the
 * largest remainders (earlier index first on a tie, so the result is deterministic). The shares
 * always sum exactly to the total and each is within one minor unit of its exact share; this is
 * how discounts, tax and credits are spread over lines without losing or inventing a cent.
 * A negative total is allocated as its magnitude and negated, so rounding is symmetric.
 *
 * @internal Callers outside the domain use {@link allocate} / {@link allocateProportionally}.
 */
export function allocateMinorUnits(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) {
    throw new DomainError('invalid_ratio', 'Cannot allocate over an empty list of ratios');
  }
  let weightSum = 0n;
  for (const weight of weights) {
    if (weight < 0n) {
      throw new DomainError('invalid_ratio', 'Allocation ratios must not be negative', { ratio: weight.toString() });
    }
    weightSum += weight;
  }
  if (weightSum === 0n) {
    throw new DomainError('invalid_ratio', 'Allocation ratios must not all be zero');
  }
  if (total < 0n) {
    return allocateMinorUnits(-total, weights).map((share) => -share);
  }
  const shares = weights.map((weight) => (total * weight) / weightSum);
  const remainders = weights.map((weight, index) => ({ index, remainder: (total * weight) % weightSum }));
  let leftover = total - shares.reduce((sum, share) => sum + share, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (leftover === 0n) {
      break;
    }
    shares[index] = (shares[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return shares;
}

/**
 * Splits `total` by `ratios` (non-negative decimals, not all zero: `[1, 1, 1]`, `["0.7", "0.3"]`,
 * `[50, 30, 20]`). The parts sum exactly to `total` and each is within one minor unit of
 * `total × ratio / Σratios`. `allocate(100¢, [1, 1, 1])` → 34¢, 33¢, 33¢.
 */
export function allocate(total: Money, ratios: readonly DecimalInput[]): Money[] {
  const parsed = ratios.map((value) => parseDecimal(value, 'ratio'));
  const commonDenominator = parsed.reduce((acc, value) => (acc % value.d === 0n ? acc : acc * value.d), 1n);
  const weights = parsed.map((value) => (value.n * commonDenominator) / value.d);
  return allocateMinorUnits(toMinorUnits(total), weights).map((share) => fromMinorUnits(share, total.currency));
}

/**
 * Splits `total` in proportion to other amounts of the same currency (e.g. a coupon over line
 * amounts). Weights must be non-negative and not all zero.
 */
export function allocateProportionally(total: Money, weights: readonly Money[]): Money[] {
  const weightUnits = weights.map((weight) => {
    if (weight.currency !== total.currency) {
      throw new DomainError('currency_mismatch', `Cannot allocate ${total.currency} by ${weight.currency} weights`, {
        currencies: [total.currency, weight.currency],
      });
    }
    return toMinorUnits(weight);
  });
  return allocateMinorUnits(toMinorUnits(total), weightUnits).map((share) => fromMinorUnits(share, total.currency));
}
