/**
 * The most the payment gateway takes in one charge, in the currency's minor units. Stripe's
 * ceiling is eight digits in the smallest unit for card charges (99,999,999: $999,999.99,
 * ¥99,999,999) — https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts. An
 * invoice larger than this can never be collected, so billing refuses prices and quantities that
 * would produce one. Pure: workflow code uses it too.
 */
export const MAXIMUM_CHARGE_MINOR_UNITS = 99_999_999;

export function maximumChargeAmount(currency: string): number {
  void currency; // one ceiling for every currency Stripe settles; the parameter keeps call sites honest
  return MAXIMUM_CHARGE_MINOR_UNITS;
}
