import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPricingStrategy, priceUsage } from '../../../../src/domain/index.js';
import type { VolumePrice } from '../../../../src/domain/index.js';
import { picoUnits } from './decimal-oracle.js';

describe('volume pricing', () => {
  it("Lago's example: 65,000 units at $0.0006 plus a $10 flat fee is $49", () => {
    // $0.0006 = 0.06 cents. 65,000 falls in the last tier: 65,000 × 0.06 = 3900 cents ($39) + 1000 ($10) = 4900.
    const price: VolumePrice = {
      model: 'volume',
      currency: 'USD',
      tiers: [
        { upTo: 10_000, unitAmount: '0.1' },
        { upTo: 50_000, unitAmount: '0.08', flatAmount: 500 },
        { upTo: null, unitAmount: '0.06', flatAmount: 1000 },
      ],
    };
    const result = priceUsage(price, 65_000);
    expect(result.amount).toEqual({ amount: 4900, currency: 'USD' });
    expect(result.unitAmount).toBe('0.06');
    // 50,000 is still the second tier (upTo is inclusive): 50,000 × 0.08 + 500 = 4500.
    expect(priceUsage(price, 50_000).amount.amount).toBe(4500);
    // 10,001 moves every unit to the second tier: 10,001 × 0.08 + 500 = 1300.08 → 1300.
    expect(priceUsage(price, 10_001).amount.amount).toBe(1300);
    expect(priceUsage(price, 0).amount.amount).toBe(0);
  });

  it('is legitimately NOT monotonic across a tier boundary (the volume discount)', () => {
    // 100 units at $1 = $100; 101 units all at $0.50 = $50.50.
    const price: VolumePrice = {
      model: 'volume',
      currency: 'USD',
      tiers: [
        { upTo: 100, unitAmount: 100 },
        { upTo: null, unitAmount: 50 },
      ],
    };
    expect(priceUsage(price, 100).amount.amount).toBe(10000);
    expect(priceUsage(price, 101).amount.amount).toBe(5050);
  });

  it('is monotonic in units within a tier (property)', () => {
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
      fc.property(tiers, fc.integer({ min: 1, max: 6000 }), fc.integer({ min: 1, max: 500 }), (definedTiers, a, b) => {
        const strategy = createPricingStrategy({ model: 'volume', currency: 'USD', tiers: definedTiers });
        const tierOf = (units: number): number =>
          definedTiers.findIndex((tier) => tier.upTo === null || units <= tier.upTo);
        const [low, high] = [a, a + b];
        fc.pre(tierOf(low) === tierOf(high));
        expect(picoUnits(strategy.price(high).exactAmount)).toBeGreaterThanOrEqual(picoUnits(strategy.price(low).exactAmount));
      }),
      { numRuns: 300 },
    );
  });
});
