import { add, compare, isZero, min, mul, sub, toDecimalString, ZERO } from '../rational.js';
import type { Rational } from '../rational.js';
import { beyondIncluded, nonNegative } from './quantities.js';
import { parseTiers } from './tiers.js';
import type { ExactPricer, GraduatedPrice, TierCharge } from './types.js';

/**
 * Graduated (Stripe `tiers_mode: graduated`, Lago "graduated"): the first 100 units at the first
 * tier's price, the next ones at the second tier's, and so on; a tier's flat amount is added as
 * soon as any unit falls in it (Lago's rule; zero units reach no tier and cost nothing). Since
 * each extra unit only ever adds a non-negative amount, the total never decreases with usage.
 */
export function graduatedPricer(definition: GraduatedPrice): ExactPricer {
  const tiers = parseTiers(definition.tiers);
  const included = nonNegative(definition.includedUnits, 'includedUnits');
  return (units) => {
    const billable = beyondIncluded(units, included);
    let total: Rational = ZERO;
    const charges: TierCharge[] = [];
    for (const tier of tiers) {
      if (compare(billable, tier.lower) <= 0) {
        break;
      }
      const top = tier.upper === null ? billable : min(billable, tier.upper);
      const inTier = sub(top, tier.lower);
      const amount = add(mul(inTier, tier.unitAmount), tier.flatAmount);
      total = add(total, amount);
      charges.push({
        tier: tier.index,
        units: toDecimalString(inTier),
        unitAmount: toDecimalString(tier.unitAmount),
        flatAmount: toDecimalString(tier.flatAmount),
        amount: toDecimalString(amount),
      });
    }
    return { exact: total, unitAmount: null, billableUnits: billable, tiers: isZero(billable) ? [] : charges };
  };
}
