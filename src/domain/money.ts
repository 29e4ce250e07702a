import { getCurrency } from './currency.js';
import type { CurrencyCode } from './currency.js';
import { DomainError } from './errors.js';
import { mul, parseDecimal, ratio } from './rational.js';
import type { DecimalInput, Rational } from './rational.js';
import { roundRational } from './rounding.js';
import type { RoundingMode } from './rounding.js';

/**
 * An amount of money: an integer count of the currency's minor unit (cents for USD, yen for JPY,
 * fils for KWD) and an upper-case ISO 4217 code. Plain JSON with a safe integer, so it crosses
 * Temporal payloads, Prisma rows and API bodies unchanged; bigint is only used inside a calculation.
 */
export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Builds a Money from integer minor units (a safe integer, or a string of digits). */
export function money(amount: number | string, currency: string): Money {
  const { code } = getCurrency(currency);
  if (typeof amount === 'string') {
    if (!/^-?\d+$/.test(amount.trim())) {
      throw new DomainError('invalid_amount', `Amount must be integer minor units, got "${amount}"`, { amount });
    }
    return fromMinorUnits(BigInt(amount.trim()), code);
  }
  if (!Number.isSafeInteger(amount)) {
    throw new DomainError('invalid_amount', `Amount must be a safe integer of minor units, got ${String(amount)}`, {
      amount,
      currency: code,
    });
  }
  return { amount: amount === 0 ? 0 : amount, currency: code };
}

/** Zero in `currency`. */
export function zeroMoney(currency: string): Money {
  return money(0, currency);
}

/** @internal bigint minor units, after checking the value is a well-formed Money. */
export function toMinorUnits(value: Money): bigint {
  assertMoney(value);
  return BigInt(value.amount);
}

/** @internal Money from bigint minor units, refusing anything outside the safe-integer range. */
export function fromMinorUnits(value: bigint, currency: string): Money {
  if (value > MAX || value < -MAX) {
    throw new DomainError('amount_overflow', `Amount ${value} exceeds the safe integer range`, {
      amount: value.toString(),
      currency,
    });
  }
  const amount = Number(value);
  return { amount: amount === 0 ? 0 : amount, currency };
}

/** @internal Rounds an exact amount of minor units once, with the named mode. */
export function roundToMoney(exact: Rational, currency: string, mode: RoundingMode): Money {
  return fromMinorUnits(roundRational(exact, mode), currency);
}

/** Throws `invalid_amount` / `unknown_currency` unless `value` is a well-formed Money. */
export function assertMoney(value: Money): void {
  if (typeof value !== 'object' || value === null) {
    throw new DomainError('invalid_amount', 'Expected a Money object { amount, currency }');
  }
  const { code } = getCurrency(value.currency);
  if (code !== value.currency) {
    throw new DomainError('unknown_currency', `Currency must be upper case ISO 4217, got ${value.currency}`, {
      currency: value.currency,
    });
  }
  if (!Number.isSafeInteger(value.amount)) {
    throw new DomainError('invalid_amount', `Amount must be a safe integer of minor units, got ${String(value.amount)}`, {
      amount: value.amount,
      currency: value.currency,
    });
  }
}

/** Throws `currency_mismatch` unless every value is in the same currency; returns that currency. */
export function assertSameCurrency(first: Money, ...others: readonly Money[]): CurrencyCode {
  assertMoney(first);
  for (const other of others) {
    assertMoney(other);
    if (other.currency !== first.currency) {
      throw new DomainError('currency_mismatch', `Cannot combine ${first.currency} with ${other.currency}`, {
        currencies: [first.currency, other.currency],
      });
    }
  }
  return first.currency;
}

/**
 * Converts a major-unit decimal ("19.95" USD) to Money (1995). More decimal places than the
 * currency has are refused unless a rounding mode is named: silently dropping a fraction of a
 * cent is exactly the kind of error this module exists to prevent.
 */
export function moneyFromMajor(value: DecimalInput, currency: string, mode?: RoundingMode): Money {
  const { code, exponent } = getCurrency(currency);
  const major = parseDecimal(value, 'amount', Number.MAX_SAFE_INTEGER);
  const minor = mul(major, ratio(10n ** BigInt(exponent)));
  if (minor.d !== 1n && mode === undefined) {
    throw new DomainError('invalid_amount', `${String(value)} has more decimal places than ${code} allows (${exponent})`, {
      amount: value,
      currency: code,
    });
  }
  return roundToMoney(minor, code, mode ?? 'half_up');
}

/** Renders Money in major units with exactly the currency's decimals: 1995 USD → "19.95", 5 KWD → "0.005". */
export function toMajorString(value: Money): string {
  assertMoney(value);
  const { exponent } = getCurrency(value.currency);
  const negative = value.amount < 0;
  const digits = Math.abs(value.amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/** a + b; same currency required. */
export function addMoney(a: Money, b: Money): Money {
  const currency = assertSameCurrency(a, b);
  return fromMinorUnits(BigInt(a.amount) + BigInt(b.amount), currency);
}

/** a - b; same currency required. */
export function subtractMoney(a: Money, b: Money): Money {
  const currency = assertSameCurrency(a, b);
  return fromMinorUnits(BigInt(a.amount) - BigInt(b.amount), currency);
}

/** Sum of `values`, all in `currency` (the currency is explicit so an empty list has a sum). */
export function sumMoney(values: readonly Money[], currency: string): Money {
  const zero = zeroMoney(currency);
  let total = 0n;
  for (const value of values) {
    assertSameCurrency(zero, value);
    total += BigInt(value.amount);
  }
  return fromMinorUnits(total, zero.currency);
}

/** -a. */
export function negateMoney(a: Money): Money {
  return fromMinorUnits(-toMinorUnits(a), a.currency);
}

/** |a|. */
export function absMoney(a: Money): Money {
  return a.amount < 0 ? negateMoney(a) : money(a.amount, a.currency);
}

/**
 * a × factor, rounded once. `factor` is an exact decimal (a quantity, a fractional unit price
 * multiplier, "0.15" for 15%); pass it as a string when it has a fraction.
 */
export function multiplyMoney(a: Money, factor: DecimalInput, mode: RoundingMode): Money {
  return roundToMoney(mul(ratio(toMinorUnits(a)), parseDecimal(factor, 'factor')), a.currency, mode);
}

/** a × numerator / denominator, rounded once (e.g. 1995 × 8 / 30 for eight days of a 30-day month). */
export function multiplyMoneyByRatio(a: Money, numerator: number, denominator: number, mode: RoundingMode): Money {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new DomainError('invalid_ratio', `Ratio must be two safe integers with a non-zero denominator`, {
      numerator,
      denominator,
    });
  }
  return roundToMoney(ratio(toMinorUnits(a) * BigInt(numerator), BigInt(denominator)), a.currency, mode);
}

/** -1, 0 or 1; same currency required. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

/** Same currency and same amount. Different currencies are simply not equal (no throw). */
export function equalsMoney(a: Money, b: Money): boolean {
  assertMoney(a);
  assertMoney(b);
  return a.currency === b.currency && a.amount === b.amount;
}

/** The smaller of a and b; same currency required. */
export function minMoney(a: Money, b: Money): Money {
  return compareMoney(a, b) <= 0 ? a : b;
}

/** The larger of a and b; same currency required. */
export function maxMoney(a: Money, b: Money): Money {
  return compareMoney(a, b) >= 0 ? a : b;
}

/** amount === 0. */
export function isZeroMoney(a: Money): boolean {
  assertMoney(a);
  return a.amount === 0;
}

/** amount < 0. */
export function isNegativeMoney(a: Money): boolean {
  assertMoney(a);
  return a.amount < 0;
}

/** amount > 0. */
export function isPositiveMoney(a: Money): boolean {
  assertMoney(a);
  return a.amount > 0;
}
