import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertThresholds, crossedThresholds, isDomainError, thresholdKey, thresholdQuantity } from '../../../src/domain/index.js';

describe('usage alert thresholds', () => {
  it('a quantity stands at itself, a percentage at that share of the limit, and none without a limit', () => {
    expect(thresholdQuantity({ quantity: '1000.50' }, null)).toBe('1000.5');
    // 80% of 1,250 = 1,000; 12.5% of 10 = 1.25.
    expect(thresholdQuantity({ percentOfLimit: '80' }, '1250')).toBe('1000');
    expect(thresholdQuantity({ percentOfLimit: '12.5' }, '10')).toBe('1.25');
    expect(thresholdQuantity({ percentOfLimit: '80' }, null)).toBeNull();
    expect([thresholdKey({ quantity: '1000.50' }), thresholdKey({ percentOfLimit: '80.0' })]).toEqual(['quantity:1000.5', 'percent:80']);
  });

  it('reports the thresholds usage has reached: at the threshold, not one below', () => {
    const thresholds = [{ quantity: '500' }, { percentOfLimit: '100' }, { percentOfLimit: '50' }];
    expect(crossedThresholds(thresholds, '499', '1000').map((c) => c.key)).toEqual([]);
    expect(crossedThresholds(thresholds, '500', '1000').map((c) => [c.key, c.quantity])).toEqual([
      ['quantity:500', '500'],
      ['percent:50', '500'],
    ]);
    expect(crossedThresholds(thresholds, '1000', '1000').map((c) => c.key)).toEqual(['quantity:500', 'percent:100', 'percent:50']);
    expect(crossedThresholds(thresholds, '1000', null).map((c) => c.key)).toEqual(['quantity:500']);
  });

  it('refuses no thresholds, a duplicate, a bad decimal, and a percentage out of (0, 1000]', () => {
    const code = (thresholds: Parameters<typeof assertThresholds>[0]) => {
      try {
        assertThresholds(thresholds);
        return null;
      } catch (error) {
        return isDomainError(error) ? error.code : 'other';
      }
    };
    expect(code([])).toBe('invalid_usage_alert');
    expect(code([{ quantity: '10' }, { quantity: '10.0' }])).toBe('invalid_usage_alert');
    expect(code([{ quantity: '-1' }])).toBe('invalid_usage_alert');
    expect(code([{ percentOfLimit: '0' }])).toBe('invalid_usage_alert');
    expect(code([{ percentOfLimit: '1000.5' }])).toBe('invalid_usage_alert');
    expect(code([{ quantity: '0' }, { percentOfLimit: '1000' }])).toBeNull();
  });

  it('property: a threshold is crossed exactly when usage ≥ its quantity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 100_000 }), (limit, percent, usage) => {
        const crossed = crossedThresholds([{ percentOfLimit: String(percent) }], String(usage), String(limit));
        // percent% of limit, compared in integers: usage × 100 ≥ limit × percent.
        expect(crossed.length === 1).toBe(usage * 100 >= limit * percent);
      }),
    );
  });
});
