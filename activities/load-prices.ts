import { failure } from '../src/billing/failures.js';
import type { ActivityDependencies } from './index.js';
import { toPriceInfo } from './price-info.js';
import type { PriceInfo } from './types.js';

/** Active prices in the order asked for; a missing, archived or foreign price is `price_not_found`. */
export async function loadPrices({ prisma }: ActivityDependencies, input: { tenantId: string; priceIds: string[] }): Promise<PriceInfo[]> {
  const rows = await prisma.price.findMany({
    where: { id: { in: input.priceIds }, tenantId: input.tenantId, archivedAt: null },
    include: { product: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return input.priceIds.map((priceId) => {
    const row = byId.get(priceId);
    if (row === undefined) throw failure('price_not_found', `No active price ${priceId}`, { priceId });
    return toPriceInfo(row);
  });
}
