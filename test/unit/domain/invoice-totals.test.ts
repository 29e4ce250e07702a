import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeInvoiceTotals, createRateTableTaxCalculator, money } from '../../../src/domain/index.js';
import type { Coupon, InvoiceTotals, Money } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const usd = (amount: number) => money(amount, 'USD');
const amounts = (totals: InvoiceTotals) =>
  Object.fromEntries((Object.entries(totals) as [string, Money][]).map(([name, value]) => [name, value.amount]));
const tenPercent: Coupon = { id: 'ten', type: 'percent', percentOff: 10, duration: 'forever' };
const nyc = createRateTableTaxCalculator([{ id: 'nyc', jurisdiction: 'US-NY-NYC', percentage: '8.875', inclusive: false }]);

describe('invoice totals', () => {
  it('discount before tax, tax per line, credit balance after tax', () => {
    // Lines: base 4900, seats 5000, proration credit −500 (not discountable). subtotal = 9400.
    // Discount 10% of the discountable 9900 = 990, split 4900:5000 → 490 + 500.
    // Net lines 4410, 4500, −500. Tax 8.875%: 391.3875 → 391; 399.375 → 399; −44.375 → −44; tax = 746.
    // total = 9400 − 990 + 746 = 9156; credit 2000 → amount due 7156; total excl. tax 9156 − 746 = 8410.
    const result = computeInvoiceTotals({
      currency: 'USD',
      lines: [
        { key: 'base', amount: usd(4900) },
        { key: 'seats', amount: usd(5000) },
        { key: 'proration', amount: usd(-500), discountable: false },
      ],
      coupons: [tenPercent],
      taxCalculator: nyc,
      jurisdiction: 'US-NY-NYC',
      creditBalance: usd(2000),
    });
    expect(amounts(result.totals)).toEqual({
      subtotal: 9400,
      discount: 990,
      tax: 746,
      totalExcludingTax: 8410,
      total: 9156,
      creditApplied: 2000,
      amountDue: 7156,
    });
    expect(result.lines.map((line) => [line.key, line.discount.amount, line.tax.amount, line.total.amount])).toEqual([
      ['base', 490, 391, 4801],
      ['seats', 500, 399, 4899],
      ['proration', 0, -44, -544],
    ]);
    expect(result.endingCreditBalance.amount).toBe(0);
  });

  it('keeps inclusive tax inside the total', () => {
    // €12.00 incl. 20% VAT with €2.00 off: net 1000, of which 1000 × 20/120 = 166.67 → 167 is VAT.
    const vat = createRateTableTaxCalculator([{ id: 'fr', jurisdiction: 'FR', percentage: 20, inclusive: true }]);
    const result = computeInvoiceTotals({
      currency: 'EUR',
      lines: [{ key: 'plan', amount: money(1200, 'EUR') }],
      coupons: [{ id: 'two', type: 'fixed_amount', amountOff: money(200, 'EUR'), duration: 'once' }],
      taxCalculator: vat,
      jurisdiction: 'FR',
    });
    expect(amounts(result.totals)).toEqual({
      subtotal: 1200,
      discount: 200,
      tax: 167,
      totalExcludingTax: 833,
      total: 1000,
      creditApplied: 0,
      amountDue: 1000,
    });
  });

  it('sends a negative total to the credit balance', () => {
    // A downgrade credit larger than the charge: 1000 − 3000 = −2000 → amount due 0, balance +2000.
    const result = computeInvoiceTotals({
      currency: 'USD',
      lines: [
        { key: 'charge', amount: usd(1000) },
        { key: 'credit', amount: usd(-3000) },
      ],
      creditBalance: usd(0),
    });
    expect([result.totals.total.amount, result.totals.creditApplied.amount, result.totals.amountDue.amount]).toEqual([-2000, -2000, 0]);
    expect(result.endingCreditBalance.amount).toBe(2000);
  });

  it('refuses mixed currencies, duplicate keys and taxing without a jurisdiction', () => {
    expect(() => computeInvoiceTotals({ currency: 'USD', lines: [{ key: 'a', amount: money(1, 'EUR') }] })).toThrow(
      withCode('currency_mismatch'),
    );
    expect(() => computeInvoiceTotals({ currency: 'USD', lines: [{ key: 'a', amount: usd(1) }], creditBalance: money(1, 'EUR') })).toThrow(
      withCode('currency_mismatch'),
    );
    expect(() =>
      computeInvoiceTotals({ currency: 'USD', lines: [{ key: 'a', amount: usd(1) }, { key: 'a', amount: usd(2) }] }),
    ).toThrow(withCode('invalid_invoice'));
    expect(() => computeInvoiceTotals({ currency: 'USD', lines: [{ key: 'a', amount: usd(1) }], taxCalculator: nyc })).toThrow(
      withCode('invalid_invoice'),
    );
  });

  it('named sums always reconcile (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ amount: fc.integer({ min: -50_000, max: 200_000 }), discountable: fc.boolean(), taxable: fc.boolean() }), {
          minLength: 0,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        (rawLines, percentOff, amountOff, balance) => {
          const coupons: Coupon[] = [{ id: 'p', type: 'percent', percentOff, duration: 'forever' }];
          if (amountOff > 0) {
            coupons.push({ id: 'f', type: 'fixed_amount', amountOff: usd(amountOff), duration: 'forever' });
          }
          const result = computeInvoiceTotals({
            currency: 'USD',
            lines: rawLines.map((line, index) => ({ key: `l${index}`, amount: usd(line.amount), discountable: line.discountable, taxable: line.taxable })),
            coupons,
            taxCalculator: nyc,
            jurisdiction: 'US-NY-NYC',
            creditBalance: usd(balance),
          });
          const t = result.totals;
          const sum = (pick: (line: (typeof result.lines)[number]) => number) => result.lines.reduce((acc, line) => acc + pick(line), 0);
          expect(t.subtotal.amount).toBe(rawLines.reduce((acc, line) => acc + line.amount, 0));
          expect(t.discount.amount).toBe(sum((line) => line.discount.amount));
          expect(t.tax.amount).toBe(sum((line) => line.tax.amount));
          expect(t.total.amount).toBe(sum((line) => line.total.amount));
          expect(t.total.amount).toBe(t.subtotal.amount - t.discount.amount + sum((line) => line.exclusiveTax.amount));
          expect(t.totalExcludingTax.amount).toBe(t.total.amount - t.tax.amount);
          expect(t.amountDue.amount).toBe(t.total.amount - t.creditApplied.amount);
          expect(t.amountDue.amount).toBeGreaterThanOrEqual(0);
          expect(t.discount.amount).toBeGreaterThanOrEqual(0);
          // A coupon never turns the pre-tax amount negative on its own.
          expect(t.subtotal.amount - t.discount.amount).toBeGreaterThanOrEqual(Math.min(0, t.subtotal.amount));
          expect(result.endingCreditBalance.amount).toBe(balance - t.creditApplied.amount);
        },
      ),
      { numRuns: 200 },
    );
  });
});
