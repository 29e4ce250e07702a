import { applyCreditBalance } from './credit-balance.js';
import { applyCoupons } from './discount.js';
import type { Coupon, CouponApplication } from './discount.js';
import { getCurrency } from './currency.js';
import { DomainError } from './errors.js';
import { assertMoney, fromMinorUnits, sumMoney, toMinorUnits, zeroMoney } from './money.js';
import type { Money } from './money.js';
import { DEFAULT_ROUNDING_MODE } from './rounding.js';
import type { RoundingMode } from './rounding.js';
import type { LineTax, TaxCalculator } from './tax.js';

/** A line going onto an invoice (a recurring fee, a usage charge, a proration line...). */
export interface InvoiceLineInput {
  readonly key: string;
  readonly amount: Money;
  readonly description?: string;
  /** Defaults to true; proration credits and one-off adjustments can opt out. */
  readonly discountable?: boolean;
  /** Defaults to true. */
  readonly taxable?: boolean;
}

/** Everything needed to total an invoice. Coupons are the ones that apply to this period. */
export interface InvoiceInput {
  readonly currency: string;
  readonly lines: readonly InvoiceLineInput[];
  readonly coupons?: readonly Coupon[];
  readonly taxCalculator?: TaxCalculator;
  /** Where the customer is taxed; required when a calculator is given and a line is taxable. */
  readonly jurisdiction?: string;
  /** The customer's available credit (zero or positive). */
  readonly creditBalance?: Money;
  readonly rounding?: RoundingMode;
}

/** One line with what happened to it: `total = amount - discount + exclusiveTax`. */
export interface InvoiceLineTotals {
  readonly key: string;
  readonly description: string;
  readonly amount: Money;
  readonly discount: Money;
  readonly taxableAmount: Money;
  readonly inclusiveTax: Money;
  readonly exclusiveTax: Money;
  readonly tax: Money;
  readonly total: Money;
}

/**
 * Named sums, each stored as its own column and never recomputed ad hoc:
 * - `subtotal`: Σ line amounts (inclusive tax stays inside, as on Stripe invoices).
 * - `discount`: Σ coupon reductions (positive; subtracted).
 * - `tax`: Σ all tax, inclusive and exclusive.
 * - `total = subtotal - discount + exclusive tax`; `totalExcludingTax = total - tax`.
 * - `creditApplied`: customer balance used (negative when a negative total goes back to the balance).
 * - `amountDue = total - creditApplied` (never negative).
 */
export interface InvoiceTotals {
  readonly subtotal: Money;
  readonly discount: Money;
  readonly tax: Money;
  readonly totalExcludingTax: Money;
  readonly total: Money;
  readonly creditApplied: Money;
  readonly amountDue: Money;
}

/** An invoice's lines and totals, plus the customer's balance before and after. */
export interface InvoiceComputation {
  readonly lines: readonly InvoiceLineTotals[];
  readonly totals: InvoiceTotals;
  readonly discounts: readonly CouponApplication[];
  readonly startingCreditBalance: Money;
  readonly endingCreditBalance: Money;
}

function untaxed(key: string, amount: Money): LineTax {
  const zero = zeroMoney(amount.currency);
  return { key, taxableAmount: amount, inclusiveTax: zero, exclusiveTax: zero, tax: zero, breakdown: [] };
}

/**
 * Totals an invoice in the order billing systems agree on: discounts before tax (tax is owed on
 * what the customer actually pays), tax per line on the discounted amount, then the credit
 * balance after tax (credit is a means of payment, not a price reduction). Used by the invoice
 * preview and by finalisation alike.
 */
export function computeInvoiceTotals(input: InvoiceInput): InvoiceComputation {
  const { code: currency } = getCurrency(input.currency);
  const rounding = input.rounding ?? DEFAULT_ROUNDING_MODE;
  const seen = new Set<string>();
  for (const line of input.lines) {
    assertMoney(line.amount);
    if (line.amount.currency !== currency) {
      throw new DomainError('currency_mismatch', `Line ${line.key} is in ${line.amount.currency}, invoice in ${currency}`, {
        currencies: [currency, line.amount.currency],
      });
    }
    if (typeof line.key !== 'string' || line.key === '' || seen.has(line.key)) {
      throw new DomainError('invalid_invoice', 'Invoice lines need unique, non-empty keys', { key: line.key });
    }
    seen.add(line.key);
  }

  const discounts = applyCoupons(input.lines, input.coupons ?? [], currency, rounding);
  const discounted = input.lines.map((line, index) => {
    const discount = discounts.perLine[index] ?? zeroMoney(currency);
    return { line, discount, net: fromMinorUnits(toMinorUnits(line.amount) - toMinorUnits(discount), currency) };
  });

  const calculator = input.taxCalculator;
  const toTax = discounted.filter(({ line }) => line.taxable !== false);
  if (calculator !== undefined && toTax.length > 0 && (input.jurisdiction === undefined || input.jurisdiction === '')) {
    throw new DomainError('invalid_invoice', 'A jurisdiction is required to tax an invoice');
  }
  const computedTax =
    calculator === undefined
      ? []
      : calculator.calculate(
          toTax.map(({ line, net }) => ({ key: line.key, amount: net, jurisdiction: input.jurisdiction ?? '' })),
          rounding,
        );
  const taxByKey = new Map(computedTax.map((tax) => [tax.key, tax]));

  const lines: InvoiceLineTotals[] = discounted.map(({ line, discount, net }) => {
    const tax = taxByKey.get(line.key) ?? untaxed(line.key, net);
    return {
      key: line.key,
      description: line.description ?? line.key,
      amount: line.amount,
      discount,
      taxableAmount: tax.taxableAmount,
      inclusiveTax: tax.inclusiveTax,
      exclusiveTax: tax.exclusiveTax,
      tax: tax.tax,
      total: fromMinorUnits(toMinorUnits(net) + toMinorUnits(tax.exclusiveTax), currency),
    };
  });

  const sumOf = (pick: (line: InvoiceLineTotals) => Money): Money => sumMoney(lines.map(pick), currency);
  const total = sumOf((line) => line.total);
  const tax = sumOf((line) => line.tax);
  const startingCreditBalance = input.creditBalance ?? zeroMoney(currency);
  const credit = applyCreditBalance(total, startingCreditBalance);
  return {
    lines,
    discounts: discounts.byCoupon,
    totals: {
      subtotal: sumOf((line) => line.amount),
      discount: discounts.total,
      tax,
      totalExcludingTax: fromMinorUnits(toMinorUnits(total) - toMinorUnits(tax), currency),
      total,
      creditApplied: credit.applied,
      amountDue: credit.amountDue,
    },
    startingCreditBalance,
    endingCreditBalance: credit.endingBalance,
  };
}
