import { mul } from '../rational.js';
import { beyondIncluded, nonNegative } from './quantities.js';
import type { ExactPricer, PerUnitPrice } from './types.js';

/**
 * Units × unit price, after the included units (e.g. 10 seats at $8 with 2 included = 8 × $8).
 * The unit price may be a fraction of a minor unit ($0.000001 per call is `"0.0001"` cents); the
 * product stays exact until the line is rounded.
 */
export function perUnitPricer(definition: PerUnitPrice): ExactPricer {
  const unitAmount = nonNegative(definition.unitAmount, 'unitAmount');
  const included = nonNegative(definition.includedUnits, 'includedUnits');
  return (units) => {
    const billable = beyondIncluded(units, included);
    return { exact: mul(billable, unitAmount), unitAmount, billableUnits: billable, tiers: [] };
  };
}
