import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toProductView } from './views.js';
import type { ProductView } from './views.js';

const archiveProductInput = z.object({ tenantId: idSchema, productId: idSchema });

export type ArchiveProductInput = z.input<typeof archiveProductInput>;

/**
 * Stops selling a product: no new prices can be created on it. Its prices are left as they are
 * (archive them one by one to stop new subscriptions). Repeating keeps the first archive instant.
 */
export async function archiveProduct(prisma: Db, input: ArchiveProductInput): Promise<ProductView> {
  const { tenantId, productId } = parseInput(archiveProductInput, input);
  await prisma.product.updateMany({ where: { id: productId, tenantId, archivedAt: null }, data: { archivedAt: new Date() } });
  const product = await prisma.product.findFirst({ where: { id: productId, tenantId } });
  if (product === null) throw notFound('product', productId);
  return toProductView(product);
}
