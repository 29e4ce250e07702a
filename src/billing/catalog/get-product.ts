import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toProductView } from './views.js';
import type { ProductView } from './views.js';

const getProductInput = z.object({ tenantId: idSchema, productId: idSchema });

export type GetProductInput = z.input<typeof getProductInput>;

/** A product, archived or not; another tenant's is `product_not_found`. */
export async function getProduct(prisma: Db, input: GetProductInput): Promise<ProductView> {
  const { tenantId, productId } = parseInput(getProductInput, input);
  const product = await prisma.product.findFirst({ where: { id: productId, tenantId } });
  if (product === null) throw notFound('product', productId);
  return toProductView(product);
}
