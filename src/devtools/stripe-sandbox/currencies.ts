import { invalidParam } from './stripe-error.js';

/**
 * Stripe's documented minimum charge amounts, in the currency's smallest unit
 * (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). Only these settlement
 * currencies are accepted: the sandbox would otherwise have to invent a minimum.
 */
const MINIMUM_CHARGE: Readonly<Record<string, { minimum: number; exponent: number; symbol: string }>> = {
  usd: { minimum: 50, exponent: 2, symbol: '$' },
  aed: { minimum: 200, exponent: 2, symbol: 'AED ' },
  aud: { minimum: 50, exponent: 2, symbol: 'A$' },
  brl: { minimum: 50, exponent: 2, symbol: 'R$' },
  cad: { minimum: 50, exponent: 2, symbol: 'CA$' },
  chf: { minimum: 50, exponent: 2, symbol: 'CHF ' },
  czk: { minimum: 1500, exponent: 2, symbol: 'CZK ' },
  dkk: { minimum: 250, exponent: 2, symbol: 'DKK ' },
  eur: { minimum: 50, exponent: 2, symbol: '€' },
  gbp: { minimum: 30, exponent: 2, symbol: '£' },
  hkd: { minimum: 400, exponent: 2, symbol: 'HK$' },
  huf: { minimum: 17500, exponent: 2, symbol: 'HUF ' },
  inr: { minimum: 50, exponent: 2, symbol: '₹' },
  jpy: { minimum: 50, exponent: 0, symbol: '¥' },
  mxn: { minimum: 1000, exponent: 2, symbol: 'MX$' },
  myr: { minimum: 200, exponent: 2, symbol: 'MYR ' },
  nok: { minimum: 300, exponent: 2, symbol: 'NOK ' },
  nzd: { minimum: 50, exponent: 2, symbol: 'NZ$' },
  pln: { minimum: 200, exponent: 2, symbol: 'PLN ' },
  ron: { minimum: 200, exponent: 2, symbol: 'RON ' },
  sek: { minimum: 300, exponent: 2, symbol: 'SEK ' },
  sgd: { minimum: 50, exponent: 2, symbol: 'SGD ' },
  thb: { minimum: 1000, exponent: 2, symbol: 'THB ' },
};

// Stripe's ceiling for a single card charge: 99,999,999 in the smallest unit (eight digits).
const MAXIMUM_CHARGE = 99_999_999;

/** Stripe accepts the code in any case and answers in lower case. */
export function readCurrency(value: string): string {
  const code = value.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(MINIMUM_CHARGE, code)) {
    throw invalidParam(
      `Invalid currency: ${value}. Stripe currently supports these currencies: ${Object.keys(MINIMUM_CHARGE).join(', ')}`,
      'currency',
    );
  }
  return code;
}

function formatAmount(amount: number, currency: string): string {
  const info = MINIMUM_CHARGE[currency];
  if (!info) return `${amount} ${currency}`;
  const major = (amount / 10 ** info.exponent).toFixed(info.exponent);
  return `${info.symbol}${major} ${currency}`;
}

/** Refuses amounts Stripe refuses, with its codes: `amount_too_small`, `amount_too_large`. */
export function assertChargeableAmount(amount: number, currency: string): void {
  const info = MINIMUM_CHARGE[currency];
  if (info && amount < info.minimum) {
    throw invalidParam(`Amount must be at least ${formatAmount(info.minimum, currency)}`, 'amount', 'amount_too_small');
  }
  if (amount > MAXIMUM_CHARGE) {
    throw invalidParam(`Amount must be no more than ${formatAmount(MAXIMUM_CHARGE, currency)}`, 'amount', 'amount_too_large');
  }
}
