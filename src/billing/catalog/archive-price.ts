import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toPriceView } from './views.js';
import type { PriceView } from './views.js';

const archivePriceInput = z.object({ tenantId: idSchema, priceId: idSchema });

export type ArchivePriceInput = z.input<typeof archivePriceInput>;

/**
 * Stops selling a price: createSubscriptionRecord only takes prices that are not archived.
 * Subscriptions already on it keep billing it. Repeating keeps the first archive instant.
 */
export async function archivePrice(prisma: Db, input: ArchivePriceInput): Promise<PriceView> {
  const { tenantId, priceId } = parseInput(archivePriceInput, input);
  await prisma.price.updateMany({ where: { id: priceId, tenantId, archivedAt: null }, data: { archivedAt: new Date() } });
  const price = await prisma.price.findFirst({ where: { id: priceId, tenantId } });
  if (price === null) throw notFound('price', priceId);
  return toPriceView(price);
}
