import { DomainError } from '../errors.js';
import { add, compare, isZero, mul, toDecimalString, ZERO } from '../rational.js';
import { beyondIncluded, nonNegative } from './quantities.js';
import { parseTiers } from './tiers.js';
import type { ExactPricer, VolumePrice } from './types.js';

/**
 * Volume (Stripe `tiers_mode: volume`, Lago "volume"): the total quantity picks ONE tier and every
 * unit is charged at that tier's price, plus that tier's flat amount. Lago's worked example:
 * 65,000 units in the tier at $0.0006 with a $10 flat fee = $39 + $10 = $49.
 *
 * Unlike graduated pricing this is NOT monotonic across a tier boundary: 100 units at $1 cost
 * $100 while 101 units at $0.50 cost $50.50. That is the model's intended volume discount, not a
 * bug; within one tier the total is non-decreasing. Zero units reach no tier and cost nothing.
 */
export function volumePricer(definition: VolumePrice): ExactPricer {
  const tiers = parseTiers(definition.tiers);
  const included = nonNegative(definition.includedUnits, 'includedUnits');
  return (units) => {
    const billable = beyondIncluded(units, included);
    if (isZero(billable)) {
      return { exact: ZERO, unitAmount: null, billableUnits: billable, tiers: [] };
    }
    const tier = tiers.find((candidate) => candidate.upper === null || compare(billable, candidate.upper) <= 0);
    if (tier === undefined) {
      // Unreachable: parseTiers guarantees an unbounded last tier.
      throw new DomainError('invalid_price_definition', 'Volume tiers need an unbounded last tier');
    }
    const amount = add(mul(billable, tier.unitAmount), tier.flatAmount);
    return {
      exact: amount,
      unitAmount: tier.unitAmount,
      billableUnits: billable,
      tiers: [
        {
          tier: tier.index,
          units: toDecimalString(billable),
          unitAmount: toDecimalString(tier.unitAmount),
          flatAmount: toDecimalString(tier.flatAmount),
          amount: toDecimalString(amount),
        },
      ],
    };
  };
}
