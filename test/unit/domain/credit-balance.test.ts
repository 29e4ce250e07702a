import { describe, expect, it } from 'vitest';
import { applyCreditBalance, money } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const usd = (amount: number) => money(amount, 'USD');

describe('credit balance', () => {
  it('pays part of the invoice', () => {
    // 5000 due, 2000 of credit → applied 2000, due 3000, nothing left
    expect(applyCreditBalance(usd(5000), usd(2000))).toEqual({ applied: usd(2000), amountDue: usd(3000), endingBalance: usd(0) });
  });

  it('pays all of it and keeps the rest', () => {
    // 1000 due, 2500 of credit → applied 1000, due 0, 1500 left
    expect(applyCreditBalance(usd(1000), usd(2500))).toEqual({ applied: usd(1000), amountDue: usd(0), endingBalance: usd(1500) });
  });

  it('puts a negative total back on the balance instead of paying it out', () => {
    // −500 total, 100 of credit → applied −500, due 0, balance 600
    expect(applyCreditBalance(usd(-500), usd(100))).toEqual({ applied: usd(-500), amountDue: usd(0), endingBalance: usd(600) });
  });

  it('refuses negative balances and mixed currencies', () => {
    expect(() => applyCreditBalance(usd(100), usd(-1))).toThrow(withCode('invalid_amount'));
    expect(() => applyCreditBalance(usd(100), money(100, 'EUR'))).toThrow(withCode('currency_mismatch'));
  });
});
