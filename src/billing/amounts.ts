import { assertMoney, money } from '../domain/index.js';
import type { Money } from '../domain/index.js';

/**
 * Money columns are BIGINT minor units; payloads carry safe integers. The conversion goes through
 * the domain's `money`, which refuses anything outside the safe-integer range (`amount_overflow`)
 * instead of silently losing precision in `Number(bigint)`.
 */
export function moneyFromColumn(amount: bigint, currency: string): Money {
  return money(amount.toString(), currency);
}

export function columnFromMoney(value: Money): bigint {
  assertMoney(value);
  return BigInt(value.amount);
}

/** A NUMERIC column as a plain decimal string ("0.06", "8.25"), never exponent notation. */
export function decimalString(value: { toFixed(): string } | null): string | null {
  return value === null ? null : value.toFixed();
}

export function instantOrNull(value: Date | null): number | null {
  return value === null ? null : value.getTime();
}

export function dateOrNull(value: number | null): Date | null {
  return value === null ? null : new Date(value);
}
