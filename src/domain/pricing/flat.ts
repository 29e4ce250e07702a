import { ONE } from '../rational.js';
import { nonNegative } from './quantities.js';
import type { ExactPricer, FlatPrice } from './types.js';

/** A base fee: the same amount whatever the quantity, e.g. a $49/month platform fee. */
export function flatPricer(definition: FlatPrice): ExactPricer {
  const amount = nonNegative(definition.amount, 'amount');
  return () => ({ exact: amount, unitAmount: amount, billableUnits: ONE, tiers: [] });
}
