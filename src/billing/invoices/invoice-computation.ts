import { computeInvoiceTotals, createRateTableTaxCalculator, negateMoney, sumMoney } from '../../domain/index.js';
import type { InvoiceTotals, LineTax, Money, TaxCalculator, TaxRate } from '../../domain/index.js';
import type { ApplicableDiscount } from './invoice-discounts.js';
import type { CreateInvoiceInput, InvoiceLineInput } from './invoice-input.js';

/** A line as it is stored, before ids and positions: drafted, discount or tax. */
export interface ComputedLine {
  kind: InvoiceLineInput['kind'] | 'discount' | 'tax';
  description: string;
  amount: Money;
  draft: InvoiceLineInput | null;
  /** False only for inclusive tax lines, whose tax is already inside the other lines. */
  addsToTotal: boolean;
}

export interface InvoiceComputationResult {
  totals: InvoiceTotals;
  lines: ComputedLine[];
  /** The discounts that took part (all applicable ones, even if one took nothing off). */
  discounts: readonly ApplicableDiscount[];
}

/** The domain's tax calculator, remembering what it computed so each rate gets its own line. */
function recordingCalculator(inner: TaxCalculator, recorded: LineTax[]): TaxCalculator {
  return {
    calculate(lines, rounding) {
      const result = inner.calculate(lines, rounding);
      recorded.push(...result);
      return result;
    },
  };
}

function taxLines(rates: readonly TaxRate[], recorded: readonly LineTax[], currency: string): ComputedLine[] {
  return rates.map((rate) => {
    const amounts = recorded.flatMap((line) => line.breakdown.filter((tax) => tax.rateId === rate.id).map((tax) => tax.amount));
    // Inclusive tax is already inside the line amounts: its line states the tax, it adds nothing.
    const suffix = rate.inclusive ? ' (included in prices)' : '';
    return {
      kind: 'tax',
      description: `${rate.name ?? 'Tax'} ${String(rate.percentage)}%${suffix}`,
      amount: sumMoney(amounts, currency),
      draft: null,
      addsToTotal: !rate.inclusive,
    };
  });
}

/**
 * Totals the drafted lines with the domain (discounts before tax, tax per line and per rate) and
 * lays out the stored lines: the drafted ones, one negative line per discount that took something
 * off, one line per tax rate. No credit here: the balance is applied by applyCreditBalance.
 * Checked invariant: drafted + discount + exclusive tax lines sum exactly to the total.
 */
export function computeInvoice(
  input: Pick<CreateInvoiceInput, 'currency' | 'lines'>,
  discounts: readonly ApplicableDiscount[],
  rates: readonly TaxRate[],
  jurisdiction: string | null,
): InvoiceComputationResult {
  const recorded: LineTax[] = [];
  const taxed = rates.length > 0 && jurisdiction !== null;
  const computation = computeInvoiceTotals({
    currency: input.currency,
    lines: input.lines.map((line, index) => ({ key: `line:${index}`, amount: line.amount, description: line.description, discountable: line.discountable })),
    coupons: discounts.map((discount) => discount.coupon),
    ...(taxed ? { taxCalculator: recordingCalculator(createRateTableTaxCalculator(rates), recorded), jurisdiction } : {}),
  });
  const currency = computation.totals.total.currency;
  const labels = new Map(discounts.map((discount) => [discount.discountId, discount.label]));
  const discountLines: ComputedLine[] = computation.discounts
    .filter((application) => application.amount.amount > 0)
    .map((application) => ({
      kind: 'discount',
      description: `Discount: ${labels.get(application.couponId) ?? application.couponId}`,
      amount: negateMoney(application.amount),
      draft: null,
      addsToTotal: true,
    }));
  const lines: ComputedLine[] = [
    ...input.lines.map((draft): ComputedLine => ({ kind: draft.kind, description: draft.description, amount: draft.amount, draft, addsToTotal: true })),
    ...discountLines,
    ...(taxed ? taxLines(rates, recorded, currency) : []),
  ];
  const sum = sumMoney(lines.filter((line) => line.addsToTotal).map((line) => line.amount), currency);
  if (sum.amount !== computation.totals.total.amount) {
    throw new Error(`Invoice lines sum to ${sum.amount}, the total is ${computation.totals.total.amount}: refusing an inconsistent invoice`);
  }
  return { totals: computation.totals, lines, discounts };
}
