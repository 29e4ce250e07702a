import { DomainError } from '../errors.js';
import { compare, ZERO } from '../rational.js';
import type { Rational } from '../rational.js';
import { nonNegative } from './quantities.js';
import type { PriceTier } from './types.js';

/** @internal A tier with parsed bounds: covers (lower, upper], upper null = unbounded. */
export interface ParsedTier {
  readonly index: number;
  readonly lower: Rational;
  readonly upper: Rational | null;
  readonly unitAmount: Rational;
  readonly flatAmount: Rational;
}

/**
 * @internal Validates tiers the way Stripe does: at least one, strictly increasing `upTo`, and
 * only the last one unbounded, so every quantity falls in exactly one tier.
 */
export function parseTiers(tiers: readonly PriceTier[] | undefined): ParsedTier[] {
  const untrusted: unknown = tiers;
  if (tiers === undefined || !Array.isArray(untrusted) || tiers.length === 0) {
    throw new DomainError('invalid_price_definition', 'A tiered price needs at least one tier');
  }
  let lower = ZERO;
  return tiers.map((tier, index) => {
    const isLast = index === tiers.length - 1;
    const upper = tier.upTo === null ? null : nonNegative(tier.upTo, `tiers[${index}].upTo`);
    if ((upper === null) !== isLast) {
      throw new DomainError('invalid_price_definition', 'Only the last tier, and always the last tier, has upTo: null', {
        tier: index,
      });
    }
    if (upper !== null && compare(upper, lower) <= 0) {
      throw new DomainError('invalid_price_definition', 'Tier upTo values must be strictly increasing and positive', {
        tier: index,
      });
    }
    const parsed: ParsedTier = {
      index,
      lower,
      upper,
      unitAmount: nonNegative(tier.unitAmount, `tiers[${index}].unitAmount`),
      flatAmount: nonNegative(tier.flatAmount, `tiers[${index}].flatAmount`),
    };
    lower = upper ?? lower;
    return parsed;
  });
}
