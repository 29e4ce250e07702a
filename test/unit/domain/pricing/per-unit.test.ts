import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../../../src/domain/index.js';
import { withCode } from '../error-matchers.js';

describe('per-unit pricing', () => {
  it('charges seats beyond the included ones', () => {
    // 10 seats at $8 with 2 included: (10 − 2) × 800 = 6400
    const result = priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: 800, includedUnits: 2 }, 10);
    expect(result.amount.amount).toBe(6400);
    expect(result.billableUnits).toBe('8');
    expect(result.unitAmount).toBe('800');
    // Fewer units than included cost nothing.
    expect(priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: 800, includedUnits: 2 }, 1).amount.amount).toBe(0);
  });

  it('prices $0.000001 per call exactly and rounds once: 1,234,567 calls → $1.23', () => {
    // 0.0001 cents × 1,234,567 = 123.4567 cents; rounded once half up → 123 cents.
    const result = priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: '0.0001' }, 1_234_567);
    expect(result.exactAmount).toBe('123.4567');
    expect(result.amount.amount).toBe(123);
    // Rounding each call (0.0001 → 0) would have billed nothing; rounding up gives 124.
    expect(priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: '0.0001' }, 1_234_567, 'up').amount.amount).toBe(124);
  });

  it('accepts 12 decimal places and fractional units', () => {
    // 0.000000000001 × 10^12 units = 1 cent exactly
    expect(priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: '0.000000000001' }, 1_000_000_000_000).amount.amount).toBe(1);
    // 2.5 GB × 1000 = 2500
    expect(priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: 1000 }, '2.5').amount.amount).toBe(2500);
    expect(() => priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: '0.0000000000001' }, 1)).toThrow(
      withCode('invalid_price_definition'),
    );
  });

  it('prices in zero- and three-decimal currencies', () => {
    // ¥12.5 per unit is not representable in yen lines: 3 × 12.5 = 37.5 → ¥38 (half up)
    expect(priceUsage({ model: 'per_unit', currency: 'JPY', unitAmount: '12.5' }, 3).amount).toEqual({ amount: 38, currency: 'JPY' });
    // 0.125 KWD (125 fils) × 7 = 875 fils
    expect(priceUsage({ model: 'per_unit', currency: 'KWD', unitAmount: 125 }, 7).amount).toEqual({ amount: 875, currency: 'KWD' });
  });
});
