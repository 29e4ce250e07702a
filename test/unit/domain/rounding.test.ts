import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_ROUNDING_MODE, ROUNDING_MODES, isDomainError, roundDecimal } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

describe('rounding modes', () => {
  // Each row: value → [half_up, half_even, half_down, down, up, floor, ceiling], worked by hand.
  const table: Record<string, readonly string[]> = {
    '2.5': ['3', '2', '2', '2', '3', '2', '3'],
    '3.5': ['4', '4', '3', '3', '4', '3', '4'],
    '-2.5': ['-3', '-2', '-2', '-2', '-3', '-3', '-2'],
    '-3.5': ['-4', '-4', '-3', '-3', '-4', '-4', '-3'],
    '2.4999': ['2', '2', '2', '2', '3', '2', '3'],
    '2.5001': ['3', '3', '3', '2', '3', '2', '3'],
    '-2.5001': ['-3', '-3', '-3', '-2', '-3', '-3', '-2'],
    '7': ['7', '7', '7', '7', '7', '7', '7'],
    '-0.4': ['0', '0', '0', '0', '-1', '-1', '0'],
  };
  const modes = ['half_up', 'half_even', 'half_down', 'down', 'up', 'floor', 'ceiling'] as const;

  for (const [value, expected] of Object.entries(table)) {
    modes.forEach((mode, index) => {
      it(`${value} ${mode} → ${expected[index]}`, () => {
        expect(roundDecimal(value, mode)).toBe(expected[index]);
      });
    });
  }

  it('rounds to decimal places', () => {
    // 1.005 to 2 places: the third decimal is exactly 5 → half_up 1.01, half_even 1.00 (0 is even).
    expect(roundDecimal('1.005', 'half_up', 2)).toBe('1.01');
    expect(roundDecimal('1.005', 'half_even', 2)).toBe('1');
    expect(roundDecimal('-1.005', 'half_up', 2)).toBe('-1.01');
    expect(roundDecimal('1.015', 'half_even', 2)).toBe('1.02');
  });

  it('lists every mode and defaults invoices to half_up', () => {
    expect([...ROUNDING_MODES].sort()).toEqual([...modes].sort());
    expect(DEFAULT_ROUNDING_MODE).toBe('half_up');
  });

  it('refuses unknown modes and fractional JS numbers', () => {
    expect(() => roundDecimal('1.5', 'bankers' as never)).toThrow(withCode('invalid_rounding_mode'));
    try {
      roundDecimal(1.5, 'half_up');
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error, 'invalid_decimal')).toBe(true);
    }
  });

  it('half modes land within half a unit, directed modes within one unit on the right side', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (n) => {
        // value = n / 1000 exactly; compare in thousandths to stay in integers.
        const value = `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 1000)}.${String(Math.abs(n) % 1000).padStart(3, '0')}`;
        for (const mode of ['half_up', 'half_even', 'half_down'] as const) {
          const rounded = Number(roundDecimal(value, mode)) * 1000;
          expect(Math.abs(rounded - n)).toBeLessThanOrEqual(500);
        }
        expect(Number(roundDecimal(value, 'floor')) * 1000).toBeLessThanOrEqual(n);
        expect(Number(roundDecimal(value, 'ceiling')) * 1000).toBeGreaterThanOrEqual(n);
        expect(Math.abs(Number(roundDecimal(value, 'down')) * 1000)).toBeLessThanOrEqual(Math.abs(n));
        expect(Math.abs(Number(roundDecimal(value, 'up')) * 1000)).toBeGreaterThanOrEqual(Math.abs(n));
      }),
      { numRuns: 300 },
    );
  });
});
