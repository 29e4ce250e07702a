import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../../../src/domain/index.js';
import type { PercentagePrice } from '../../../../src/domain/index.js';
import { withCode } from '../error-matchers.js';

describe('percentage pricing', () => {
  const fee: PercentagePrice = {
    model: 'percentage',
    currency: 'USD',
    percentage: '2.9',
    fixedAmount: 30,
    minAmountPerTransaction: 50,
    maxAmountPerTransaction: 1000,
  };

  it('clamps each transaction between its min and max', () => {
    // $10.00: 1000 × 2.9% + 30 = 29 + 30 = 59
    // $5.00: 500 × 2.9% + 30 = 14.5 + 30 = 44.5 → raised to the 50 minimum
    // $1,000.00: 100000 × 2.9% + 30 = 2930 → capped at 1000
    // total 59 + 50 + 1000 = 1109
    const result = priceUsage(fee, { transactions: [1000, 500, 100_000] });
    expect(result.amount.amount).toBe(1109);
    expect(result.billableUnits).toBe('101500');
  });

  it('sums exact fees and rounds once', () => {
    // three $0.01 transactions at 50%: 0.5 + 0.5 + 0.5 = 1.5 cents → 2 (half up), not 1 + 1 + 1 = 3
    const half: PercentagePrice = { model: 'percentage', currency: 'USD', percentage: 50 };
    expect(priceUsage(half, { transactions: [1, 1, 1] }).amount.amount).toBe(2);
    // 1234 × 1.5% = 18.51 → 19
    expect(priceUsage({ model: 'percentage', currency: 'USD', percentage: '1.5' }, 1234).amount.amount).toBe(19);
  });

  it('refuses a minimum above the maximum and negative transactions', () => {
    expect(() => priceUsage({ ...fee, minAmountPerTransaction: 2000 }, 1)).toThrow(
      withCode('invalid_price_definition'),
    );
    expect(() => priceUsage(fee, { transactions: [-100] })).toThrow(withCode('invalid_quantity'));
  });
});
