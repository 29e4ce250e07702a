import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { toPriceInfo, type PriceInfo } from './price-info.js';

/** Active prices in the order asked for; a missing, archived or foreign price is `price_not_found`. */
export async function loadActivePrices(prisma: Db, input: { tenantId: string; priceIds: string[] }): Promise<PriceInfo[]> {
  const rows = await prisma.price.findMany({
    where: { id: { in: input.priceIds }, tenantId: input.tenantId, archivedAt: null },
    include: { product: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return input.priceIds.map((priceId) => {
    const row = byId.get(priceId);
    if (row === undefined) throw notFound('price', priceId);
    return toPriceInfo(row);
  });
}
