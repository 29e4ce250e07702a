import { DomainError } from '../errors.js';
import { compare, max, parseDecimal, sub, ZERO } from '../rational.js';
import type { DecimalInput, Rational } from '../rational.js';

/** @internal A non-negative decimal from a price definition, or `invalid_price_definition`. */
export function nonNegative(value: DecimalInput | undefined, field: string, fallback: Rational = ZERO): Rational {
  if (value === undefined) {
    return fallback;
  }
  let parsed: Rational;
  try {
    parsed = parseDecimal(value, field);
  } catch {
    throw new DomainError('invalid_price_definition', `${field} must be a decimal string or safe integer`, {
      field,
      value,
    });
  }
  if (compare(parsed, ZERO) < 0) {
    throw new DomainError('invalid_price_definition', `${field} must not be negative`, { field, value });
  }
  return parsed;
}

/** @internal Units left to bill once the included (free) units are used up. */
export function beyondIncluded(units: Rational, included: Rational): Rational {
  return max(ZERO, sub(units, included));
}
