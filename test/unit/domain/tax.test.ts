import { describe, expect, it } from 'vitest';
import { createRateTableTaxCalculator, money } from '../../../src/domain/index.js';
import type { TaxRate } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const rates: TaxRate[] = [
  { id: 'ca', jurisdiction: 'US-CA', percentage: '7.25', inclusive: false },
  { id: 'ny-state', jurisdiction: 'US-NY', percentage: 4, inclusive: false },
  { id: 'ny-city', jurisdiction: 'US-NY', percentage: '4.5', inclusive: false },
  { id: 'de-vat', jurisdiction: 'DE', percentage: 19, inclusive: true },
  { id: 'fr-vat', jurisdiction: 'FR', percentage: 20, inclusive: true },
  { id: 'jp-ct', jurisdiction: 'JP', percentage: 10, inclusive: true },
  { id: 'kw', jurisdiction: 'KW', percentage: 5, inclusive: false },
  { id: 'zero', jurisdiction: 'HK', percentage: 0, inclusive: false },
];
const calculator = createRateTableTaxCalculator(rates);

describe('rate-table tax calculator', () => {
  it('adds exclusive tax, rounded per line', () => {
    // 1000 × 7.25% = 72.5 → 73 half_up, 72 half_even
    const [line] = calculator.calculate([{ key: 'a', amount: money(1000, 'USD'), jurisdiction: 'us-ca' }], 'half_up');
    expect(line?.exclusiveTax.amount).toBe(73);
    expect(line?.taxableAmount.amount).toBe(1000);
    const [even] = calculator.calculate([{ key: 'a', amount: money(1000, 'USD'), jurisdiction: 'US-CA' }], 'half_even');
    expect(even?.tax.amount).toBe(72);
  });

  it('rounds each rate on each line (stacked state + city rates)', () => {
    const lines = calculator.calculate(
      [
        { key: 'a', amount: money(1005, 'USD'), jurisdiction: 'US-NY' },
        { key: 'b', amount: money(1005, 'USD'), jurisdiction: 'US-NY' },
      ],
      'half_up',
    );
    // Per line: 1005 × 4% = 40.2 → 40 and 1005 × 4.5% = 45.225 → 45, each stated separately: 85 per line.
    expect(lines.map((line) => line.breakdown.map((part) => [part.rateId, part.amount.amount]))).toEqual([
      [['ny-state', 40], ['ny-city', 45]],
      [['ny-state', 40], ['ny-city', 45]],
    ]);
    expect(lines.map((line) => line.tax.amount)).toEqual([85, 85]);
  });

  it('shows the per-line rounding difference against rounding the total', () => {
    // Three lines of 5 cents at 10% exclusive (via a custom table): 0.5 → 1 each = 3, while 15 × 10% = 1.5 → 2.
    const ten = createRateTableTaxCalculator([{ id: 't', jurisdiction: 'X', percentage: 10, inclusive: false }]);
    const lines = ten.calculate(
      ['a', 'b', 'c'].map((key) => ({ key, amount: money(5, 'USD'), jurisdiction: 'X' })),
      'half_up',
    );
    expect(lines.reduce((sum, line) => sum + line.tax.amount, 0)).toBe(3);
  });

  it('extracts inclusive tax from the price', () => {
    // 1190 incl. 19% → 1190 × 19 / 119 = 190; net 1000
    const [de] = calculator.calculate([{ key: 'a', amount: money(1190, 'EUR'), jurisdiction: 'DE' }], 'half_up');
    expect([de?.inclusiveTax.amount, de?.exclusiveTax.amount, de?.taxableAmount.amount]).toEqual([190, 0, 1000]);
    // 999 incl. 20% → 999 × 20 / 120 = 166.5 → 167; net 832
    const [fr] = calculator.calculate([{ key: 'a', amount: money(999, 'EUR'), jurisdiction: 'FR' }], 'half_up');
    expect([fr?.tax.amount, fr?.taxableAmount.amount]).toEqual([167, 832]);
  });

  it('works in zero- and three-decimal currencies', () => {
    // ¥1,000 incl. 10% → 1000 × 10 / 110 = 90.909 → ¥91
    const [jp] = calculator.calculate([{ key: 'a', amount: money(1000, 'JPY'), jurisdiction: 'JP' }], 'half_up');
    expect(jp?.tax).toEqual({ amount: 91, currency: 'JPY' });
    // 12.345 KWD × 5% = 0.61725 → 0.617 KWD (617 fils)
    const [kw] = calculator.calculate([{ key: 'a', amount: money(12345, 'KWD'), jurisdiction: 'KW' }], 'half_up');
    expect(kw?.tax).toEqual({ amount: 617, currency: 'KWD' });
  });

  it('taxes credits symmetrically and skips non-taxable lines', () => {
    // −1000 × 7.25% = −72.5 → −73 (by magnitude, mirroring the charge)
    const [credit, exempt] = calculator.calculate(
      [
        { key: 'a', amount: money(-1000, 'USD'), jurisdiction: 'US-CA' },
        { key: 'b', amount: money(1000, 'USD'), jurisdiction: 'NOWHERE', taxable: false },
      ],
      'half_up',
    );
    expect(credit?.tax.amount).toBe(-73);
    expect(exempt?.tax.amount).toBe(0);
  });

  it('refuses unknown jurisdictions and invalid rates', () => {
    expect(() => calculator.calculate([{ key: 'a', amount: money(1, 'USD'), jurisdiction: 'US-TX' }], 'half_up')).toThrow(
      withCode('unknown_tax_jurisdiction'),
    );
    expect(calculator.calculate([{ key: 'a', amount: money(100, 'HKD'), jurisdiction: 'HK' }], 'half_up')[0]?.tax.amount).toBe(0);
    expect(() => createRateTableTaxCalculator([{ id: 'x', jurisdiction: 'X', percentage: 101, inclusive: false }])).toThrow(
      withCode('invalid_tax_rate'),
    );
    expect(() => createRateTableTaxCalculator([{ id: 'x', jurisdiction: '', percentage: 1, inclusive: false }])).toThrow(
      withCode('invalid_tax_rate'),
    );
  });
});
