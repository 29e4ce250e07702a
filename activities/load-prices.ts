import { loadActivePrices } from '../src/billing/catalog/load-active-prices.js';
import type { PriceInfo } from '../src/billing/catalog/price-info.js';
import type { ActivityDependencies } from './dependencies.js';

export function loadPrices(deps: ActivityDependencies, input: { tenantId: string; priceIds: string[] }): Promise<PriceInfo[]> {
  return loadActivePrices(deps.prisma, input);
}
