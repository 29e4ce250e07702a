import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  absMoney,
  addMoney,
  allocate,
  compareMoney,
  equalsMoney,
  isNegativeMoney,
  isPositiveMoney,
  isZeroMoney,
  maxMoney,
  minMoney,
  money,
  moneyFromMajor,
  multiplyMoney,
  multiplyMoneyByRatio,
  negateMoney,
  priceUsage,
  subtractMoney,
  sumMoney,
  toMajorString,
  zeroMoney,
} from '../../../src/domain/index.js';
import type { Money } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const mismatch = withCode('currency_mismatch');

describe('Money', () => {
  it('is plain JSON with integer minor units', () => {
    const price = money(1995, 'usd');
    expect(price).toEqual({ amount: 1995, currency: 'USD' });
    expect(JSON.parse(JSON.stringify(price))).toEqual(price);
  });

  it('refuses fractional, unsafe or non-numeric amounts', () => {
    expect(() => money(19.95, 'USD')).toThrow(withCode('invalid_amount'));
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, 'USD')).toThrow(withCode('invalid_amount'));
    expect(() => money('12.5', 'USD')).toThrow(withCode('invalid_amount'));
    expect(() => money(1, 'ZZZ')).toThrow(withCode('unknown_currency'));
  });

  it('converts major units by the currency exponent', () => {
    expect(moneyFromMajor('19.95', 'USD').amount).toBe(1995); // 19.95 × 10^2
    expect(moneyFromMajor('1000', 'JPY').amount).toBe(1000); // 1000 × 10^0
    expect(moneyFromMajor('1.234', 'KWD').amount).toBe(1234); // 1.234 × 10^3
    expect(moneyFromMajor('0.0001', 'CLF').amount).toBe(1); // 0.0001 × 10^4
    expect(() => moneyFromMajor('1.5', 'JPY')).toThrow(withCode('invalid_amount'));
    expect(() => moneyFromMajor('1.2345', 'KWD')).toThrow(withCode('invalid_amount'));
    // 1.2345 KWD half_up → 1.235 (the dropped digit is 5) ; half_even → 1.234 (4 is even)
    expect(moneyFromMajor('1.2345', 'KWD', 'half_up').amount).toBe(1235);
    expect(moneyFromMajor('1.2345', 'KWD', 'half_even').amount).toBe(1234);
  });

  it('renders major units with the exact number of decimals', () => {
    expect(toMajorString(money(1995, 'USD'))).toBe('19.95');
    expect(toMajorString(money(-5, 'USD'))).toBe('-0.05');
    expect(toMajorString(money(1500, 'JPY'))).toBe('1500');
    expect(toMajorString(money(5, 'KWD'))).toBe('0.005');
    expect(toMajorString(money(12345, 'BHD'))).toBe('12.345');
    expect(toMajorString(money(1, 'CLF'))).toBe('0.0001');
  });

  it('adds, subtracts, negates and compares', () => {
    const a = money(1000, 'EUR');
    const b = money(250, 'EUR');
    expect(addMoney(a, b).amount).toBe(1250);
    expect(subtractMoney(b, a).amount).toBe(-750);
    expect(negateMoney(a).amount).toBe(-1000);
    expect(absMoney(money(-3, 'EUR')).amount).toBe(3);
    expect(sumMoney([a, b, b], 'EUR').amount).toBe(1500);
    expect(sumMoney([], 'JPY')).toEqual({ amount: 0, currency: 'JPY' });
    expect(compareMoney(a, b)).toBe(1);
    expect(minMoney(a, b)).toBe(b);
    expect(maxMoney(a, b)).toBe(a);
    expect(equalsMoney(a, money(1000, 'EUR'))).toBe(true);
    expect(equalsMoney(a, money(1000, 'USD'))).toBe(false);
    expect(isZeroMoney(zeroMoney('EUR'))).toBe(true);
    expect(isNegativeMoney(negateMoney(a))).toBe(true);
    expect(isPositiveMoney(a)).toBe(true);
  });

  it('multiplies by exact decimals and ratios with one named rounding', () => {
    // 1995 × 8 / 30 = 15960 / 30 = 532 exactly (Kill Bill's $5.32)
    expect(multiplyMoneyByRatio(money(1995, 'USD'), 8, 30, 'half_up').amount).toBe(532);
    // 1000 × 1/3 = 333.33… → 333 (half_up), 334 (up)
    expect(multiplyMoneyByRatio(money(1000, 'USD'), 1, 3, 'half_up').amount).toBe(333);
    expect(multiplyMoneyByRatio(money(1000, 'USD'), 1, 3, 'up').amount).toBe(334);
    // 999 × 0.5 = 499.5 → half_up 500, half_even 500 (500 even), down 499
    expect(multiplyMoney(money(999, 'USD'), '0.5', 'half_up').amount).toBe(500);
    expect(multiplyMoney(money(999, 'USD'), '0.5', 'half_even').amount).toBe(500);
    expect(multiplyMoney(money(999, 'USD'), '0.5', 'down').amount).toBe(499);
    // 1001 × 0.5 = 500.5 → half_even 500, half_up 501
    expect(multiplyMoney(money(1001, 'USD'), '0.5', 'half_even').amount).toBe(500);
    expect(multiplyMoney(money(1001, 'USD'), '0.5', 'half_up').amount).toBe(501);
    // -1001 × 0.5 = -500.5 → half_up -501 (away from zero), half_even -500
    expect(multiplyMoney(money(-1001, 'USD'), '0.5', 'half_up').amount).toBe(-501);
    expect(multiplyMoney(money(-1001, 'USD'), '0.5', 'half_even').amount).toBe(-500);
  });

  it('handles zero-decimal JPY and three-decimal KWD', () => {
    // ¥1,000 × 8% = ¥80; ¥999 × 8% = 79.92 → ¥80
    expect(multiplyMoney(money(1000, 'JPY'), '0.08', 'half_up')).toEqual({ amount: 80, currency: 'JPY' });
    expect(multiplyMoney(money(999, 'JPY'), '0.08', 'half_up').amount).toBe(80);
    // ¥1,000 split 3 ways: 334 + 333 + 333
    expect(allocate(money(1000, 'JPY'), [1, 1, 1]).map((part) => part.amount)).toEqual([334, 333, 333]);
    // 10.000 KWD / 3 = 3.333… → 3.333 KWD (3333 fils)
    expect(multiplyMoneyByRatio(money(10000, 'KWD'), 1, 3, 'half_up').amount).toBe(3333);
    // 1.005 KWD × 1.5 = 1.5075 → 1.508 KWD
    expect(multiplyMoney(money(1005, 'KWD'), '1.5', 'half_up').amount).toBe(1508);
  });

  it('prices $0.000001 per call over 1,234,567 calls as $1.234567 → $1.23 (half up, once)', () => {
    // $0.000001 = 0.0001 cents; 1,234,567 × 0.0001 = 123.4567 cents → 123 cents
    const line = priceUsage({ model: 'per_unit', currency: 'USD', unitAmount: '0.0001' }, 1_234_567);
    expect(line.exactAmount).toBe('123.4567');
    expect(line.amount).toEqual({ amount: 123, currency: 'USD' });
  });

  it('refuses overflow beyond safe integers', () => {
    expect(() => addMoney(money(Number.MAX_SAFE_INTEGER, 'USD'), money(1, 'USD'))).toThrow(
      withCode('amount_overflow'),
    );
  });

  it('never mixes currencies (property)', () => {
    const codes = fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'GBP', 'CLF');
    const amount = fc.integer({ min: -1_000_000, max: 1_000_000 });
    fc.assert(
      fc.property(amount, amount, codes, codes, (x, y, c1, c2) => {
        fc.pre(c1 !== c2);
        const a: Money = money(x, c1);
        const b: Money = money(y, c2);
        const operations = [
          () => addMoney(a, b),
          () => subtractMoney(a, b),
          () => compareMoney(a, b),
          () => minMoney(a, b),
          () => maxMoney(a, b),
          () => sumMoney([a, b], c1),
        ];
        for (const operation of operations) {
          expect(operation).toThrow(mismatch);
        }
      }),
      { numRuns: 100 },
    );
  });
});
