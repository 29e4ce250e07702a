import { describe, expect, it } from 'vitest';
import { applyCoupons, assertCoupon, couponAppliesToPeriod, money } from '../../../src/domain/index.js';
import type { Coupon } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const usd = (amount: number) => money(amount, 'USD');
const percent = (percentOff: number | string, id = 'pct'): Coupon => ({ id, type: 'percent', percentOff, duration: 'forever' });
const fixed = (amount: number, currency = 'USD'): Coupon => ({
  id: 'fixed',
  type: 'fixed_amount',
  amountOff: money(amount, currency),
  duration: 'once',
});

describe('coupons', () => {
  it('takes a percentage and allocates it across lines by amount', () => {
    // 25% of (3000 + 1000) = 1000, split 3:1 → 750 and 250
    const result = applyCoupons([{ amount: usd(3000) }, { amount: usd(1000) }], [percent(25)], 'USD', 'half_up');
    expect(result.total.amount).toBe(1000);
    expect(result.perLine.map((m) => m.amount)).toEqual([750, 250]);
  });

  it('allocates with largest remainder so line discounts sum exactly', () => {
    // 10% of 333 + 333 + 334 = 100; exact shares 33.3, 33.3, 33.4 → 33, 33, 34 (largest remainder 0.4)
    const result = applyCoupons([{ amount: usd(333) }, { amount: usd(333) }, { amount: usd(334) }], [percent(10)], 'USD', 'half_up');
    expect(result.perLine.map((m) => m.amount)).toEqual([33, 33, 34]);
    expect(result.total.amount).toBe(100);
  });

  it('rounds a percentage once on the discountable amount', () => {
    // 12.5% of 1001 = 125.125 → 125
    expect(applyCoupons([{ amount: usd(1001) }], [percent('12.5')], 'USD', 'half_up').total.amount).toBe(125);
  });

  it('caps fixed amounts at the invoice and never discounts credits or excluded lines', () => {
    // $50 off a $30 invoice → $30
    expect(applyCoupons([{ amount: usd(3000) }], [fixed(5000)], 'USD', 'half_up').total.amount).toBe(3000);
    // Only the first line is discountable: 50% of 1000 = 500
    const result = applyCoupons(
      [{ amount: usd(1000) }, { amount: usd(1000), discountable: false }, { amount: usd(-400) }],
      [percent(50)],
      'USD',
      'half_up',
    );
    expect(result.perLine.map((m) => m.amount)).toEqual([500, 0, 0]);
    // A proration credit leaves +1000 − 800 = 200 on the invoice: 50% of 1000 would be 500, capped at 200.
    const capped = applyCoupons([{ amount: usd(1000) }, { amount: usd(-800) }], [percent(50)], 'USD', 'half_up');
    expect(capped.total.amount).toBe(200);
  });

  it('applies several coupons in order, each on what is left', () => {
    // 10% of 10000 = 1000, then $5 off → 1500
    const result = applyCoupons([{ amount: usd(10000) }], [percent(10), fixed(500)], 'USD', 'half_up');
    expect(result.byCoupon.map((c) => [c.couponId, c.amount.amount])).toEqual([
      ['pct', 1000],
      ['fixed', 500],
    ]);
    expect(result.total.amount).toBe(1500);
  });

  it('refuses a coupon in another currency', () => {
    expect(() => applyCoupons([{ amount: usd(1000) }], [fixed(100, 'EUR')], 'USD', 'half_up')).toThrow(
      withCode('currency_mismatch'),
    );
  });

  it('applies for once, repeating n and forever durations', () => {
    const once: Coupon = { id: 'o', type: 'percent', percentOff: 10, duration: 'once' };
    const repeating: Coupon = { id: 'r', type: 'percent', percentOff: 10, duration: 'repeating', durationInPeriods: 3 };
    const forever = percent(10);
    expect([0, 1].map((n) => couponAppliesToPeriod(once, n))).toEqual([true, false]);
    expect([0, 1, 2, 3, 4].map((n) => couponAppliesToPeriod(repeating, n))).toEqual([true, true, true, false, false]);
    expect([0, 1, 120].map((n) => couponAppliesToPeriod(forever, n))).toEqual([true, true, true]);
  });

  it('refuses malformed coupons', () => {
    const invalid = withCode('invalid_coupon');
    expect(() => assertCoupon({ id: 'r', type: 'percent', percentOff: 10, duration: 'repeating' })).toThrow(invalid);
    expect(() => assertCoupon({ id: 'o', type: 'percent', percentOff: 10, duration: 'once', durationInPeriods: 2 })).toThrow(invalid);
    expect(() => assertCoupon(percent(0))).toThrow(invalid);
    expect(() => assertCoupon(percent(101))).toThrow(invalid);
    expect(() => assertCoupon(fixed(0))).toThrow(invalid);
  });
});
