import { describe, expect, it } from 'vitest';
import { currencyExponent, getCurrency, isCurrencyCode, listCurrencyCodes } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

describe('ISO 4217 currencies', () => {
  it.each([
    ['USD', 2], ['EUR', 2], ['GBP', 2], ['JPY', 0], ['KRW', 0], ['ISK', 0], ['VND', 0], ['CLP', 0],
    ['XAF', 0], ['XOF', 0], ['XPF', 0], ['UGX', 0], ['PYG', 0], ['KWD', 3], ['BHD', 3], ['JOD', 3],
    ['OMR', 3], ['TND', 3], ['LYD', 3], ['IQD', 3], ['CLF', 4], ['UYW', 4], ['XCG', 2], ['SLE', 2],
    ['ZWG', 2], ['VED', 2], ['HUF', 2],
  ])('%s has %i minor-unit digits', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('accepts Stripe-style lower case and returns the canonical code', () => {
    expect(getCurrency('usd')).toEqual({ code: 'USD', exponent: 2 });
  });

  it.each(['XXX', 'XAU', 'XTS', 'HRK', 'BGN', 'ANG', 'SLL', 'ZWL', 'ABC', '', 'US'])('rejects %s', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    expect(() => getCurrency(code)).toThrow(withCode('unknown_currency'));
  });

  it('covers the whole active list (165 codes with a minor unit)', () => {
    const codes = listCurrencyCodes();
    expect(codes).toHaveLength(165);
    expect(codes.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
  });
});
