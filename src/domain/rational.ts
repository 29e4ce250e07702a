import { DomainError } from './errors.js';

/**
 * An exact fraction n/d with d > 0, always reduced. Billing maths runs on these so that a unit
 * price of 0.000001 or a proration of 8/30 is never approximated; a result is rounded exactly
 * once, with a named mode, when it becomes a line amount. Internal: values never leave the domain
 * as bigint (Temporal payloads are JSON).
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

/** Input accepted wherever a decimal is expected: a decimal string ("0.0006") or a safe integer. */
export type DecimalInput = string | number;

/** Stripe's `unit_amount_decimal` allows 12 decimal places; so do we. */
export const MAX_DECIMAL_PLACES = 12;

const DECIMAL_PATTERN = /^([+-])?(\d+)(?:\.(\d+))?$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  return x;
}

export function ratio(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) {
    throw new DomainError('invalid_ratio', 'Division by zero');
  }
  const sign = d < 0n ? -1n : 1n;
  const g = gcd(n, d);
  const divisor = g === 0n ? 1n : g;
  return { n: (sign * n) / divisor, d: (sign * d) / divisor };
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const ONE: Rational = { n: 1n, d: 1n };

export function fromInteger(value: number | bigint): Rational {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new DomainError('invalid_decimal', `Expected a safe integer, got ${String(value)}`, { value });
  }
  return { n: BigInt(value), d: 1n };
}

/**
 * Parses a decimal exactly. Numbers must be safe integers: a fractional JS number has already
 * lost exactness (0.1 is not 1/10), so fractional values must arrive as strings.
 */
export function parseDecimal(value: DecimalInput, field = 'value', maxPlaces = MAX_DECIMAL_PLACES): Rational {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new DomainError(
        'invalid_decimal',
        `${field} must be a safe integer or a decimal string (fractions as strings, e.g. "0.0006"), got ${String(value)}`,
        { field, value },
      );
    }
    return fromInteger(value);
  }
  if (typeof value !== 'string') {
    throw new DomainError('invalid_decimal', `${field} must be a decimal string or a safe integer`, { field });
  }
  const match = DECIMAL_PATTERN.exec(value.trim());
  if (match === null) {
    throw new DomainError('invalid_decimal', `${field} is not a decimal number: "${value}"`, { field, value });
  }
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > maxPlaces) {
    throw new DomainError('invalid_decimal', `${field} has more than ${maxPlaces} decimal places: "${value}"`, {
      field,
      value,
      maxPlaces,
    });
  }
  const magnitude = BigInt(whole + fraction);
  return ratio(sign === '-' ? -magnitude : magnitude, 10n ** BigInt(fraction.length));
}

export function add(a: Rational, b: Rational): Rational {
  return ratio(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  return ratio(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Rational, b: Rational): Rational {
  return ratio(a.n * b.n, a.d * b.d);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) {
    throw new DomainError('invalid_ratio', 'Division by zero');
  }
  return ratio(a.n * b.d, a.d * b.n);
}

export function neg(a: Rational): Rational {
  return { n: -a.n, d: a.d };
}

export function compare(a: Rational, b: Rational): -1 | 0 | 1 {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isZero(a: Rational): boolean {
  return a.n === 0n;
}

export function isNegative(a: Rational): boolean {
  return a.n < 0n;
}

export function min(a: Rational, b: Rational): Rational {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Rational, b: Rational): Rational {
  return compare(a, b) >= 0 ? a : b;
}

/** Smallest integer >= a. */
export function ceil(a: Rational): bigint {
  const q = a.n / a.d;
  return a.n > 0n && a.n % a.d !== 0n ? q + 1n : q;
}

/**
 * Exact decimal rendering. Only fractions whose denominator divides a power of ten terminate;
 * every pricing result does (its inputs are decimals), so anything else is a programming error.
 */
export function toDecimalString(a: Rational): string {
  let d = a.d;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos += 1;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives += 1;
  }
  if (d !== 1n) {
    throw new DomainError('invalid_decimal', `${a.n}/${a.d} has no finite decimal representation`);
  }
  const places = Math.max(twos, fives);
  const scaled = (a.n * 10n ** BigInt(places)) / a.d;
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places);
  return `${negative ? '-' : ''}${whole}${places > 0 ? `.${fraction}` : ''}`;
}
