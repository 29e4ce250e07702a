import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeInvoice } from '../../../../src/billing/invoices/invoice-computation.js';
import type { ApplicableDiscount } from '../../../../src/billing/invoices/invoice-discounts.js';
import type { CreateInvoiceInput, InvoiceLineInput } from '../../../../src/billing/invoices/invoice-input.js';
import type { TaxRate } from '../../../../src/domain/index.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const line = (amount: number, overrides: Partial<InvoiceLineInput> = {}): InvoiceLineInput => ({
  kind: 'recurring',
  description: 'Team',
  priceId: 'price_1',
  quantity: 1,
  unitAmountDecimal: String(amount),
  amount: usd(amount),
  periodStart: 0,
  periodEnd: 1,
  discountable: true,
  ...overrides,
});
const input = (lines: InvoiceLineInput[]): CreateInvoiceInput => ({
  tenantId: 'ten_1',
  customerId: 'cus_1',
  subscriptionId: 'sub_1',
  sourceKey: 'k',
  kind: 'recurring',
  currency: 'USD',
  periodIndex: 0,
  periodStart: 0,
  periodEnd: 1,
  lines,
});
const percentOff = (percent: string, label = 'TEN'): ApplicableDiscount => ({ discountId: `disc_${label}`, label, periodsApplied: 0, coupon: { id: `disc_${label}`, type: 'percent', percentOff: percent, duration: 'once' } });
const vat = (percentage: string, inclusive = false): TaxRate => ({ id: `tax_${percentage}`, jurisdiction: 'DE', percentage, inclusive, name: 'VAT' });

describe('computeInvoice', () => {
  it('discounts before tax, one line per discount and per rate', () => {
    // 5000 + 2000 = 7000; 10% off = 700 → 6300; 19% VAT on 6300 = 1197; total 7497
    const { totals, lines } = computeInvoice(input([line(5000), line(2000, { description: 'Seats' })]), [percentOff('10')], [vat('19')], 'DE');
    expect(totals).toMatchObject({ subtotal: usd(7000), discount: usd(700), tax: usd(1197), total: usd(7497) });
    expect(lines.map((l) => [l.kind, l.description, l.amount.amount])).toEqual([
      ['recurring', 'Team', 5000],
      ['recurring', 'Seats', 2000],
      ['discount', 'Discount: TEN', -700],
      ['tax', 'VAT 19%', 1197],
    ]);
  });

  it('does not discount a proration credit again, and states inclusive tax without adding it', () => {
    // discountable: 3000 → 10% = 300; the −1000 credit is not discounted: 3000 − 1000 − 300 = 1700
    // inclusive 20%: the tax inside 1700 is 1700 × 20/120 = 283.33 → 283, already in the total
    const { totals, lines } = computeInvoice(input([line(3000), line(-1000, { kind: 'proration', discountable: false })]), [percentOff('10')], [vat('20', true)], 'DE');
    expect(totals.total).toEqual(usd(1700));
    const tax = lines.find((l) => l.kind === 'tax');
    expect(tax).toMatchObject({ description: 'VAT 20% (included in prices)', amount: usd(283), addsToTotal: false });
  });

  it('taxes nothing without a jurisdiction, and skips a discount that took nothing off', () => {
    const { totals, lines } = computeInvoice(input([line(-500, { discountable: false })]), [percentOff('50')], [vat('19')], null);
    expect(totals.total).toEqual(usd(-500));
    expect(lines.map((l) => l.kind)).toEqual(['recurring']);
  });

  it('its lines always add up to the total (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -100_000, max: 1_000_000 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('5', '12.5', '33.333333', '100'),
        fc.constantFrom('0', '7', '19', '20'),
        fc.boolean(),
        (drafted, percent, rate, inclusive) => {
          const lines = drafted.map(([amount, discountable]) => line(amount, { discountable: discountable && amount > 0 }));
          const computed = computeInvoice(input(lines), [percentOff(percent)], [vat(rate, inclusive)], 'DE');
          const sum = computed.lines.filter((l) => l.addsToTotal).reduce((total, l) => total + l.amount.amount, 0);
          expect(sum).toBe(computed.totals.total.amount);
        },
      ),
      { numRuns: 300 },
    );
  });
});
