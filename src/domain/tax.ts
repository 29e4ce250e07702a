import { DomainError } from './errors.js';
import { assertMoney, fromMinorUnits, sumMoney, toMinorUnits } from './money.js';
import type { Money } from './money.js';
import { add, compare, div, mul, parseDecimal, ratio, toDecimalString, ZERO } from './rational.js';
import type { DecimalInput, Rational } from './rational.js';
import { roundRational } from './rounding.js';
import type { RoundingMode } from './rounding.js';

/**
 * A tax rate in a jurisdiction (e.g. `"US-CA"`, `"DE"`). `inclusive` rates are already inside the
 * price (EU consumer prices: €12.00 with 20% VAT inside is €10.00 + €2.00 tax); exclusive rates
 * are added on top (US sales tax). A jurisdiction may stack several rates (state + county).
 */
export interface TaxRate {
  readonly id: string;
  readonly jurisdiction: string;
  /** Percent, e.g. `"8.25"` or `20`. */
  readonly percentage: DecimalInput;
  readonly inclusive: boolean;
  readonly name?: string;
}

/** A line to tax: its amount after discounts, and where it is taxed. */
export interface TaxableLine {
  readonly key: string;
  readonly amount: Money;
  readonly jurisdiction: string;
  /** `false` for non-taxable items; such lines get zero tax whatever the jurisdiction. */
  readonly taxable?: boolean;
}

/** The tax one rate put on one line. */
export interface TaxAmount {
  readonly rateId: string;
  readonly jurisdiction: string;
  readonly percentage: string;
  readonly inclusive: boolean;
  readonly amount: Money;
}

/**
 * Tax for one line. `taxableAmount` is the line without tax (for an inclusive line, the amount
 * minus the tax inside it). `tax = inclusiveTax + exclusiveTax`; only `exclusiveTax` is added to
 * the invoice total, since inclusive tax is already part of the line amount.
 */
export interface LineTax {
  readonly key: string;
  readonly taxableAmount: Money;
  readonly inclusiveTax: Money;
  readonly exclusiveTax: Money;
  readonly tax: Money;
  readonly breakdown: readonly TaxAmount[];
}

/**
 * Computes tax per line. The rate-table implementation below is the default; a provider (Stripe
 * Tax, Avalara) can stand behind the same interface, called from an activity since it does I/O.
 */
export interface TaxCalculator {
  calculate(lines: readonly TaxableLine[], rounding: RoundingMode): LineTax[];
}

interface ParsedRate {
  readonly rate: TaxRate;
  readonly percent: Rational;
}

function normaliseJurisdiction(code: string): string {
  return typeof code === 'string' ? code.trim().toUpperCase() : '';
}

/** Rounds a (possibly negative) tax by magnitude so a credit line's tax mirrors its charge's. */
function roundTax(exact: Rational, rounding: RoundingMode): bigint {
  const magnitude = roundRational(exact.n < 0n ? { n: -exact.n, d: exact.d } : exact, rounding);
  return exact.n < 0n ? -magnitude : magnitude;
}

function taxLine(line: TaxableLine, rates: readonly ParsedRate[], rounding: RoundingMode): LineTax {
  const currency = line.amount.currency;
  const amount = toMinorUnits(line.amount);
  const inclusive = rates.filter(({ rate }) => rate.inclusive);
  const exclusive = rates.filter(({ rate }) => !rate.inclusive);
  const inclusivePercent = inclusive.reduce<Rational>((sum, { percent }) => add(sum, percent), ZERO);
  const divisor = add(ratio(100n), inclusivePercent);
  const breakdown: TaxAmount[] = [];
  const record = ({ rate, percent }: ParsedRate, value: bigint): bigint => {
    breakdown.push({
      rateId: rate.id,
      jurisdiction: normaliseJurisdiction(rate.jurisdiction),
      percentage: toDecimalString(percent),
      inclusive: rate.inclusive,
      amount: fromMinorUnits(value, currency),
    });
    return value;
  };
  // Inclusive: the price holds 100% + Σrates; each rate's share is price × rate / (100 + Σrates),
  // rounded per line and per rate, as tax authorities expect each rate to be stated separately.
  const inclusiveTax = inclusive.reduce((sum, parsed) => {
    const share = div(mul(ratio(amount), parsed.percent), divisor);
    return sum + record(parsed, roundTax(share, rounding));
  }, 0n);
  const taxable = amount - inclusiveTax;
  const exclusiveTax = exclusive.reduce(
    (sum, parsed) => sum + record(parsed, roundTax(mul(ratio(taxable), mul(parsed.percent, ratio(1n, 100n))), rounding)),
    0n,
  );
  return {
    key: line.key,
    taxableAmount: fromMinorUnits(taxable, currency),
    inclusiveTax: fromMinorUnits(inclusiveTax, currency),
    exclusiveTax: fromMinorUnits(exclusiveTax, currency),
    tax: fromMinorUnits(inclusiveTax + exclusiveTax, currency),
    breakdown,
  };
}

/**
 * A {@link TaxCalculator} from a table of rates by jurisdiction. Every line is taxed separately
 * and each rate rounded per line, so every line's tax can be shown, credited and reported on its
 * own (and a credit note for one line reverses exactly the tax that line carried).
 * A taxable line in a jurisdiction with no rate is `unknown_tax_jurisdiction`: a zero rate must be
 * configured explicitly, so a missing rate never silently means tax-free.
 */
export function createRateTableTaxCalculator(rates: readonly TaxRate[]): TaxCalculator {
  const byJurisdiction = new Map<string, ParsedRate[]>();
  for (const rate of rates) {
    const percent = parseDecimal(rate.percentage, 'percentage');
    if (typeof rate.id !== 'string' || rate.id === '' || compare(percent, ZERO) < 0 || compare(percent, ratio(100n)) > 0) {
      throw new DomainError('invalid_tax_rate', 'A tax rate needs an id and a percentage between 0 and 100', {
        rateId: rate.id,
      });
    }
    const jurisdiction = normaliseJurisdiction(rate.jurisdiction);
    if (jurisdiction === '') {
      throw new DomainError('invalid_tax_rate', 'A tax rate needs a jurisdiction code', { rateId: rate.id });
    }
    byJurisdiction.set(jurisdiction, [...(byJurisdiction.get(jurisdiction) ?? []), { rate, percent }]);
  }
  return {
    calculate(lines, rounding) {
      return lines.map((line) => {
        assertMoney(line.amount);
        if (line.taxable === false) {
          return taxLine(line, [], rounding);
        }
        const jurisdiction = normaliseJurisdiction(line.jurisdiction);
        const found = byJurisdiction.get(jurisdiction);
        if (found === undefined) {
          throw new DomainError('unknown_tax_jurisdiction', `No tax rate configured for ${line.jurisdiction}`, {
            jurisdiction: line.jurisdiction,
          });
        }
        return taxLine(line, found, rounding);
      });
    },
  };
}

/** Sum of a list of line taxes, for invoice totals. */
export function totalTax(lines: readonly LineTax[], currency: string): Money {
  return sumMoney(lines.map((line) => line.tax), currency);
}
