import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, allocateProportionally, money } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

describe('allocate (largest remainder)', () => {
  it('splits 100¢ three ways as 34 + 33 + 33', () => {
    // 100 / 3 = 33 r 1; the leftover cent goes to the first of the tied remainders.
    expect(allocate(money(100, 'USD'), [1, 1, 1]).map((m) => m.amount)).toEqual([34, 33, 33]);
  });

  it('gives leftovers to the largest remainders', () => {
    // 1000 × 0.7/1 = 700, × 0.2 = 200, × 0.1 = 100 exactly.
    expect(allocate(money(1000, 'USD'), ['0.7', '0.2', '0.1']).map((m) => m.amount)).toEqual([700, 200, 100]);
    // 10 by 1:2:3 → exact 1.67, 3.33, 5 → floors 1,3,5 = 9; the cent goes to 1.67 (largest remainder).
    expect(allocate(money(10, 'USD'), [1, 2, 3]).map((m) => m.amount)).toEqual([2, 3, 5]);
  });

  it('allocates negative totals symmetrically', () => {
    expect(allocate(money(-100, 'USD'), [1, 1, 1]).map((m) => m.amount)).toEqual([-34, -33, -33]);
  });

  it('allows zero ratios but not all-zero or negative ones', () => {
    expect(allocate(money(5, 'USD'), [0, 1]).map((m) => m.amount)).toEqual([0, 5]);
    expect(() => allocate(money(5, 'USD'), [0, 0])).toThrow(withCode('invalid_ratio'));
    expect(() => allocate(money(5, 'USD'), [1, -1])).toThrow(withCode('invalid_ratio'));
    expect(() => allocate(money(5, 'USD'), [])).toThrow(withCode('invalid_ratio'));
  });

  it('refuses weights in another currency', () => {
    expect(() => allocateProportionally(money(5, 'USD'), [money(1, 'EUR')])).toThrow(
      withCode('currency_mismatch'),
    );
  });

  it('parts sum to the whole and each is within one minor unit of its exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 12 }),
        (total, ratios) => {
          fc.pre(ratios.some((r) => r > 0));
          const parts = allocate(money(total, 'EUR'), ratios);
          const sum = ratios.reduce((a, b) => a + b, 0);
          expect(parts.reduce((acc, part) => acc + part.amount, 0)).toBe(total);
          parts.forEach((part, index) => {
            // |part − total × r / Σr| < 1  ⇔  |part × Σr − total × r| < Σr (all integers, no floats).
            const deviation = BigInt(part.amount) * BigInt(sum) - BigInt(total) * BigInt(ratios[index] ?? 0);
            expect(deviation < 0n ? -deviation : deviation).toBeLessThan(BigInt(sum));
            expect(part.currency).toBe('EUR');
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('allocates proportionally to amounts', () => {
    // $10 over lines of $30 and $10: 750 and 250.
    expect(allocateProportionally(money(1000, 'USD'), [money(3000, 'USD'), money(1000, 'USD')]).map((m) => m.amount)).toEqual([
      750, 250,
    ]);
  });
});
