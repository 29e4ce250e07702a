import { DomainError } from '../errors.js';
import { ceil, div, isZero, mul, ratio } from '../rational.js';
import { beyondIncluded, nonNegative } from './quantities.js';
import type { ExactPricer, PackagePrice } from './types.js';

/**
 * Package (Stripe `transform_quantity` with `round: up`, Lago "package"): units beyond the free
 * ones are billed per started package. Lago's example, $5 per 100 units with the first 100 free:
 * 201 units → 101 paying units → ⌈101 / 100⌉ = 2 packages → $10.
 */
export function packagePricer(definition: PackagePrice): ExactPricer {
  const packageAmount = nonNegative(definition.packageAmount, 'packageAmount');
  const packageSize = nonNegative(definition.packageSize, 'packageSize');
  if (isZero(packageSize)) {
    throw new DomainError('invalid_price_definition', 'packageSize must be positive', { field: 'packageSize' });
  }
  const included = nonNegative(definition.includedUnits, 'includedUnits');
  return (units) => {
    const packages = ratio(ceil(div(beyondIncluded(units, included), packageSize)));
    return { exact: mul(packages, packageAmount), unitAmount: packageAmount, billableUnits: packages, tiers: [] };
  };
}
