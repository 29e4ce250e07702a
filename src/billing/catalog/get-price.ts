import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toPriceView } from './views.js';
import type { PriceView } from './views.js';

const getPriceInput = z.object({ tenantId: idSchema, priceId: idSchema });

export type GetPriceInput = z.input<typeof getPriceInput>;

/** A price, archived or not; another tenant's is `price_not_found`. */
export async function getPrice(prisma: Db, input: GetPriceInput): Promise<PriceView> {
  const { tenantId, priceId } = parseInput(getPriceInput, input);
  const price = await prisma.price.findFirst({ where: { id: priceId, tenantId } });
  if (price === null) throw notFound('price', priceId);
  return toPriceView(price);
}
