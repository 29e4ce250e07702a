import { createPricingStrategy } from '../../domain/index.js';
import type { BillingInterval, PriceDefinition } from '../../domain/index.js';
import type { Price, Product } from '../../generated/prisma/client.js';
import { failure } from '../failures.js';

/** A price as the subscription workflow prices with it: the full definition travels in its payloads. */
export interface PriceInfo {
  priceId: string;
  productId: string;
  productName: string;
  currency: string;
  definition: PriceDefinition;
  interval: BillingInterval;
  trialDays: number | null;
  usageType: 'licensed' | 'metered';
  /** The meter a metered price bills (null for licensed prices). */
  meterId: string | null;
}

/**
 * A price row as the workflow's `PriceInfo`. The stored definition is validated by the domain's
 * factory here, so a corrupt row fails loudly at load time instead of mispricing an invoice.
 */
export function toPriceInfo(price: Price & { product: Product }, options: { validate: boolean } = { validate: true }): PriceInfo {
  const definition = price.definition as unknown as PriceDefinition;
  if (options.validate) assertUsableDefinition(price, definition);
  return {
    priceId: price.id,
    productId: price.productId,
    productName: price.product.name,
    currency: price.currency,
    definition,
    interval: { unit: price.intervalUnit, count: price.intervalCount },
    trialDays: price.trialDays,
    usageType: price.usageType,
    meterId: price.meterId,
  };
}

function assertUsableDefinition(price: Price, definition: PriceDefinition): void {
  try {
    const strategy = createPricingStrategy(definition);
    if (strategy.currency !== price.currency) throw new Error(`definition in ${strategy.currency}, price in ${price.currency}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw failure('invalid_price_definition', `Price ${price.id} has an unusable definition: ${reason}`, { priceId: price.id });
  }
}
