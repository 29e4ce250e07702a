import { DomainError } from './errors.js';
import { parseDecimal, ratio, toDecimalString } from './rational.js';
import type { DecimalInput, Rational } from './rational.js';

/**
 * Rounding is always named, never implicit.
 * - `half_up`: nearest, ties away from zero (2.5 → 3, -2.5 → -3). Commercial rounding.
 * - `half_even`: nearest, ties to the even neighbour (2.5 → 2, 3.5 → 4). Banker's rounding;
 *   unbiased over many ties, used by some ledgers and tax authorities.
 * - `half_down`: nearest, ties toward zero (2.5 → 2, -2.5 → -2).
 * - `down`: toward zero (truncate). `up`: away from zero.
 * - `floor`: toward -infinity. `ceiling`: toward +infinity.
 */
export const ROUNDING_MODES = ['half_up', 'half_even', 'half_down', 'down', 'up', 'floor', 'ceiling'] as const;

/** One of {@link ROUNDING_MODES}. */
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/**
 * The invoice default. Stripe rounds line amounts computed from decimal unit prices half up,
 * Lago rounds fees with Ruby's BigDecimal default (ROUND_HALF_UP) and Kill Bill's default rounding
 * mode is HALF_UP; it is also what a customer checking an invoice by hand does. Rounding happens
 * once per line, so half_even's bias argument (many ties summed) does not apply to a single line.
 */
export const DEFAULT_ROUNDING_MODE: RoundingMode = 'half_up';

export function assertRoundingMode(mode: unknown): asserts mode is RoundingMode {
  if (typeof mode !== 'string' || !(ROUNDING_MODES as readonly string[]).includes(mode)) {
    throw new DomainError('invalid_rounding_mode', `Unknown rounding mode: ${String(mode)}`, {
      mode,
      allowed: ROUNDING_MODES,
    });
  }
}

/** Rounds an exact fraction to an integer with the named mode. */
export function roundRational(value: Rational, mode: RoundingMode): bigint {
  assertRoundingMode(mode);
  const { n, d } = value;
  const quotient = n / d;
  const remainder = n % d;
  if (remainder === 0n) {
    return quotient;
  }
  const sign = n < 0n ? -1n : 1n;
  const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
  const half = twiceRemainder === d ? 0 : twiceRemainder > d ? 1 : -1;
  switch (mode) {
    case 'down':
      return quotient;
    case 'up':
      return quotient + sign;
    case 'floor':
      return sign < 0n ? quotient - 1n : quotient;
    case 'ceiling':
      return sign > 0n ? quotient + 1n : quotient;
    case 'half_up':
      return half >= 0 ? quotient + sign : quotient;
    case 'half_down':
      return half > 0 ? quotient + sign : quotient;
    case 'half_even':
      if (half !== 0) {
        return half > 0 ? quotient + sign : quotient;
      }
      return quotient % 2n === 0n ? quotient : quotient + sign;
  }
}

/**
 * Rounds a decimal to `places` decimal places with the named mode and returns the exact decimal
 * string, e.g. `roundDecimal('2.5', 'half_even') === '2'`, `roundDecimal('-1.005', 'half_up', 2) === '-1.01'`.
 */
export function roundDecimal(value: DecimalInput, mode: RoundingMode, places = 0): string {
  if (!Number.isSafeInteger(places) || places < 0) {
    throw new DomainError('invalid_decimal', `places must be a non-negative integer, got ${String(places)}`);
  }
  const scale = 10n ** BigInt(places);
  const exact = parseDecimal(value, 'value', Number.MAX_SAFE_INTEGER);
  const rounded = roundRational(ratio(exact.n * scale, exact.d), mode);
  return toDecimalString(ratio(rounded, scale));
}
