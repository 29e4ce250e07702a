import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPricingStrategy, priceUsage } from '../../../../src/domain/index.js';
import type { GraduatedPrice } from '../../../../src/domain/index.js';
import { picoUnits } from './decimal-oracle.js';
import { withCode } from '../error-matchers.js';

const price: GraduatedPrice = {
  model: 'graduated',
  currency: 'USD',
  tiers: [
    { upTo: 5, unitAmount: 500, flatAmount: 1000 },
    { upTo: 10, unitAmount: 400 },
    { upTo: null, unitAmount: 300, flatAmount: 200 },
  ],
};

describe('graduated pricing', () => {
  it.each([
    [0, 0], // no unit reaches a tier
    [1, 1500], // 1 × 500 + 1000 flat
    [5, 3500], // 5 × 500 + 1000
    [6, 3900], // 3500 + 1 × 400
    [10, 5500], // 3500 + 5 × 400
    [11, 6000], // 5500 + 1 × 300 + 200 flat
    [12, 6300], // 5500 + 2 × 300 + 200
  ])('%i units cost %i', (units, expected) => {
    expect(priceUsage(price, units).amount.amount).toBe(expected);
  });

  it('explains each tier', () => {
    expect(priceUsage(price, 12).tiers).toEqual([
      { tier: 0, units: '5', unitAmount: '500', flatAmount: '1000', amount: '3500' },
      { tier: 1, units: '5', unitAmount: '400', flatAmount: '0', amount: '2000' },
      { tier: 2, units: '2', unitAmount: '300', flatAmount: '200', amount: '800' },
    ]);
  });

  it('applies included units before the tiers', () => {
    // 12 units with 2 included → priced as 10 → 5500
    expect(priceUsage({ ...price, includedUnits: 2 }, 12).amount.amount).toBe(5500);
  });

  it('is monotonic in units, strictly when every unit price is positive (property)', () => {
    const tiers = fc
      .array(fc.record({ width: fc.integer({ min: 1, max: 1000 }), unit: fc.integer({ min: 0, max: 10_000 }), flat: fc.integer({ min: 0, max: 5000 }) }), {
        minLength: 1,
        maxLength: 5,
      })
      .map((raw) => {
        let upTo = 0;
        return raw.map((tier, index) => {
          upTo += tier.width;
          return { upTo: index === raw.length - 1 ? null : upTo, unitAmount: tier.unit, flatAmount: tier.flat };
        });
      });
    fc.assert(
      fc.property(tiers, fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 100 }), (definedTiers, units, extra) => {
        const strategy = createPricingStrategy({ model: 'graduated', currency: 'USD', tiers: definedTiers });
        const lower = picoUnits(strategy.price(units).exactAmount);
        const higher = picoUnits(strategy.price(units + extra).exactAmount);
        expect(higher).toBeGreaterThanOrEqual(lower);
        if (definedTiers.every((tier) => tier.unitAmount > 0)) {
          expect(higher).toBeGreaterThan(lower);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses malformed tiers', () => {
    const invalid = withCode('invalid_price_definition');
    expect(() => createPricingStrategy({ model: 'graduated', currency: 'USD', tiers: [] })).toThrow(invalid);
    expect(() => createPricingStrategy({ model: 'graduated', currency: 'USD', tiers: [{ upTo: 10, unitAmount: 1 }] })).toThrow(invalid);
    expect(() =>
      createPricingStrategy({
        model: 'graduated',
        currency: 'USD',
        tiers: [{ upTo: 10, unitAmount: 1 }, { upTo: 5, unitAmount: 1 }, { upTo: null, unitAmount: 1 }],
      }),
    ).toThrow(invalid);
    expect(() =>
      createPricingStrategy({ model: 'graduated', currency: 'USD', tiers: [{ upTo: null, unitAmount: -1 }] }),
    ).toThrow(invalid);
  });
});
