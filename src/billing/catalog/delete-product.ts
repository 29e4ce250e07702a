import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import type { DeletedProductView } from './views.js';

const deleteProductInput = z.object({ tenantId: idSchema, productId: idSchema });

export type DeleteProductInput = z.input<typeof deleteProductInput>;

/**
 * Deletes a product that never had a price (a mistake caught early); one with prices, even
 * archived ones, is `product_in_use`: invoices and subscriptions may point at its prices, so it
 * can only be archived. The row lock makes a concurrent createPrice wait for this transaction
 * (its foreign-key check needs the row), so no price can slip in between the count and the delete.
 */
export async function deleteProduct(prisma: PrismaClient, input: DeleteProductInput): Promise<DeletedProductView> {
  const { tenantId, productId } = parseInput(deleteProductInput, input);
  return runInTransaction(prisma, async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM products WHERE id = ${productId} AND tenant_id = ${tenantId} FOR UPDATE`;
    if (locked.length === 0) throw notFound('product', productId);
    const prices = await tx.price.count({ where: { tenantId, productId } });
    if (prices > 0) {
      throw failure('product_in_use', `Product ${productId} has ${prices} price(s) and cannot be deleted; archive it instead`, { prices });
    }
    await tx.product.deleteMany({ where: { id: productId, tenantId } });
    return { id: productId, object: 'product', deleted: true };
  });
}
