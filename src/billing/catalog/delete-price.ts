import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import type { DeletedPriceView } from './views.js';

const deletePriceInput = z.object({ tenantId: idSchema, priceId: idSchema });

export type DeletePriceInput = z.input<typeof deletePriceInput>;

/**
 * Deletes a price nothing refers to; one on a subscription item or an invoice line (ended
 * subscriptions and paid invoices included) is `price_in_use` and can only be archived. The row
 * lock makes a concurrent insert of an item or line wait for this transaction (its foreign-key
 * check needs the row), so none can slip in between the counts and the delete.
 */
export async function deletePrice(prisma: PrismaClient, input: DeletePriceInput): Promise<DeletedPriceView> {
  const { tenantId, priceId } = parseInput(deletePriceInput, input);
  return runInTransaction(prisma, async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM prices WHERE id = ${priceId} AND tenant_id = ${tenantId} FOR UPDATE`;
    if (locked.length === 0) throw notFound('price', priceId);
    const [subscriptionItems, invoiceLines] = await Promise.all([
      tx.subscriptionItem.count({ where: { tenantId, priceId } }),
      tx.invoiceLine.count({ where: { tenantId, priceId } }),
    ]);
    if (subscriptionItems > 0 || invoiceLines > 0) {
      throw failure('price_in_use', `Price ${priceId} is used by subscriptions or invoices and cannot be deleted; archive it instead`, {
        subscriptionItems,
        invoiceLines,
      });
    }
    await tx.price.deleteMany({ where: { id: priceId, tenantId } });
    return { id: priceId, object: 'price', deleted: true };
  });
}
