import { describe, expect, it } from 'vitest';
import { priceUsage } from '../../../../src/domain/index.js';
import type { PackagePrice } from '../../../../src/domain/index.js';
import { withCode } from '../error-matchers.js';

describe('package pricing', () => {
  const lago: PackagePrice = { model: 'package', currency: 'USD', packageAmount: 500, packageSize: 100, includedUnits: 100 };

  it("Lago's example: $5 per 100 units, first 100 free, 201 units → $10", () => {
    // 201 − 100 free = 101 paying units → ⌈101 / 100⌉ = 2 packages × 500 = 1000
    const result = priceUsage(lago, 201);
    expect(result.amount.amount).toBe(1000);
    expect(result.billableUnits).toBe('2');
    expect(result.unitAmount).toBe('500');
  });

  it.each([
    [0, 0],
    [100, 0], // all free
    [101, 500], // 1 paying unit starts a package
    [200, 500], // 100 paying units fill exactly one package
    [300, 1000],
    [301, 1500],
  ])('%i units cost %i', (units, expected) => {
    expect(priceUsage(lago, units).amount.amount).toBe(expected);
  });

  it('rounds fractional units up to a started package and refuses empty packages', () => {
    // 0.5 GB with 1 GB packages at $2: 1 package
    expect(priceUsage({ model: 'package', currency: 'USD', packageAmount: 200, packageSize: 1 }, '0.5').amount.amount).toBe(200);
    expect(() => priceUsage({ model: 'package', currency: 'USD', packageAmount: 200, packageSize: 0 }, 1)).toThrow(
      withCode('invalid_price_definition'),
    );
  });
});
