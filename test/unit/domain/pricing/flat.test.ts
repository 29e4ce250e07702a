import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../../../src/domain/index.js';

describe('flat pricing', () => {
  it('charges the same amount whatever the quantity', () => {
    const price = { model: 'flat', currency: 'USD', amount: 4900 } as const;
    for (const units of [0, 1, 10, '2.5']) {
      expect(priceUsage(price, units).amount).toEqual({ amount: 4900, currency: 'USD' });
    }
    expect(priceUsage(price, 3).unitAmount).toBe('4900');
  });

  it('rounds a fractional flat amount once', () => {
    // 1000.5 cents half_up → 1001, half_even → 1000
    expect(priceUsage({ model: 'flat', currency: 'USD', amount: '1000.5' }, 1).amount.amount).toBe(1001);
    expect(priceUsage({ model: 'flat', currency: 'USD', amount: '1000.5' }, 1, 'half_even').amount.amount).toBe(1000);
  });
});
