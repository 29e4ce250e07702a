import { createPricingStrategy } from '../src/domain/index.js';
import type { PriceDefinition } from '../src/domain/index.js';
import type { Price, Product } from '../src/generated/prisma/client.js';
import { failure } from '../src/billing/failures.js';
import type { PriceInfo } from './types.js';

/**
 * A price row as the workflow's `PriceInfo`. The stored definition is validated by the domain's
 * factory here, so a corrupt row fails loudly at load time instead of mispricing an invoice.
 */
export function toPriceInfo(price: Price & { product: Product }): PriceInfo {
  const definition = price.definition as unknown as PriceDefinition;
  try {
    const strategy = createPricingStrategy(definition);
    if (strategy.currency !== price.currency) throw new Error(`definition in ${strategy.currency}, price in ${price.currency}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw failure('invalid_price_definition', `Price ${price.id} has an unusable definition: ${reason}`, { priceId: price.id });
  }
  return {
    priceId: price.id,
    productId: price.productId,
    productName: price.product.name,
    currency: price.currency,
    definition,
    interval: { unit: price.intervalUnit, count: price.intervalCount },
    trialDays: price.trialDays,
    usageType: price.usageType,
  };
}
