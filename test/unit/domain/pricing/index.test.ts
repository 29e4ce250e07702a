import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPricingStrategy, priceUsage } from '../../../../src/domain/index.js';
import type { PriceDefinition, RoundingMode } from '../../../../src/domain/index.js';
import { decimalString, picoUnits } from './decimal-oracle.js';
import { withCode } from '../error-matchers.js';

describe('pricing factory', () => {
  it('picks the strategy from the model', () => {
    const models: PriceDefinition[] = [
      { model: 'flat', currency: 'EUR', amount: 100 },
      { model: 'per_unit', currency: 'EUR', unitAmount: 100 },
      { model: 'graduated', currency: 'EUR', tiers: [{ upTo: null, unitAmount: 100 }] },
      { model: 'volume', currency: 'EUR', tiers: [{ upTo: null, unitAmount: 100 }] },
      { model: 'package', currency: 'EUR', packageAmount: 100, packageSize: 1 },
      { model: 'percentage', currency: 'EUR', percentage: 100 },
    ];
    for (const definition of models) {
      const strategy = createPricingStrategy(definition);
      expect(strategy.model).toBe(definition.model);
      // One unit at 100 each; for the percentage price, 100% of a single 100-cent transaction.
      const input = definition.model === 'percentage' ? { transactions: [100] } : 1;
      expect(strategy.price(input).amount).toEqual({ amount: 100, currency: 'EUR' });
    }
  });

  it('validates definitions when the strategy is created', () => {
    const invalid = withCode('invalid_price_definition');
    expect(() => createPricingStrategy({ model: 'tiered' } as unknown as PriceDefinition)).toThrow(
      withCode('unknown_currency'),
    );
    expect(() => createPricingStrategy({ model: 'magic', currency: 'USD' } as unknown as PriceDefinition)).toThrow(invalid);
    // A fractional JS number has already lost exactness: fractions must be strings.
    expect(() => createPricingStrategy({ model: 'per_unit', currency: 'USD', unitAmount: 0.06 })).toThrow(invalid);
    expect(() => createPricingStrategy({ model: 'flat', currency: 'ZZZ', amount: 1 })).toThrow(
      withCode('unknown_currency'),
    );
    expect(() => priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: 1 }, -1)).toThrow(
      withCode('invalid_quantity'),
    );
  });

  it('returns JSON-safe results', () => {
    const result = priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: '0.000123456789' }, 987_654_321);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(Number.isSafeInteger(result.amount.amount)).toBe(true);
  });

  it('each rounded line is within half a minor unit of the exact amount (property)', () => {
    const definition = fc.oneof(
      fc.record({
        model: fc.constant('per_unit' as const),
        currency: fc.constantFrom('USD', 'JPY', 'KWD'),
        unitAmount: fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 12 })).map(([n, p]) => decimalString(n, p)),
      }),
      fc.record({
        model: fc.constant('graduated' as const),
        currency: fc.constant('EUR'),
        tiers: fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99_999 })).map(([a, b]) => [
          { upTo: 1000, unitAmount: decimalString(a, 4), flatAmount: '0.5' },
          { upTo: null, unitAmount: decimalString(b, 6) },
        ]),
      }),
      fc.record({
        model: fc.constant('volume' as const),
        currency: fc.constant('EUR'),
        tiers: fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99_999 })).map(([a, b]) => [
          { upTo: 1000, unitAmount: decimalString(a, 3) },
          { upTo: null, unitAmount: decimalString(b, 5), flatAmount: '12.345' },
        ]),
      }),
      fc.record({
        model: fc.constant('percentage' as const),
        currency: fc.constant('USD'),
        percentage: fc.integer({ min: 0, max: 10_000 }).map((n) => decimalString(n, 2)),
      }),
    );
    const halfModes: RoundingMode[] = ['half_up', 'half_even', 'half_down'];
    const half = 5n * 10n ** 11n; // 0.5 minor units in 10^-12 units
    fc.assert(
      fc.property(definition, fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(...halfModes), (price, units, mode) => {
        const result = priceUsage(price, units, mode);
        const exact = picoUnits(result.exactAmount);
        const rounded = BigInt(result.amount.amount) * 10n ** 12n;
        const deviation = rounded - exact;
        expect(deviation < 0n ? -deviation : deviation).toBeLessThanOrEqual(half);
        // Directed modes stay within one unit and on their side.
        const down = BigInt(priceUsage(price, units, 'down').amount.amount) * 10n ** 12n;
        const up = BigInt(priceUsage(price, units, 'up').amount.amount) * 10n ** 12n;
        expect(down <= exact && exact - down < 10n ** 12n).toBe(true);
        expect(up >= exact && up - exact < 10n ** 12n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
