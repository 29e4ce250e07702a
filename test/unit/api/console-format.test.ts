import { describe, expect, it } from 'vitest';
import { formatAmount, formatInstant, formatRate } from '../../../src/api/console/console-format.js';

describe('console formatting', () => {
  it("writes minor units in each currency's exponent, grouped, with a true minus sign", () => {
    expect(formatAmount(123_456, 'USD')).toBe('1,234.56 USD'); // 123456 cents
    expect(formatAmount(-5, 'usd')).toBe('−0.05 USD');
    expect(formatAmount(0, 'EUR')).toBe('0.00 EUR');
    expect(formatAmount(1_234_567, 'JPY')).toBe('1,234,567 JPY'); // no minor unit
    expect(formatAmount(1_234_567, 'KWD')).toBe('1,234.567 KWD'); // three decimals (fils)
    expect(formatAmount(100_000_000_00, 'USD')).toBe('100,000,000.00 USD');
  });

  it('writes instants in UTC and rates as percentages, — when there is none', () => {
    expect(formatInstant('2031-03-05T14:02:59.000Z')).toBe('5 Mar 2031, 14:02 UTC');
    expect(formatInstant(null)).toBe('—');
    expect(formatRate(0.333333)).toBe('33.3 %');
    expect(formatRate(null)).toBe('—');
  });
});
