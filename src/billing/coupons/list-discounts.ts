import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { decodeCursor, pageInputShape, pageLimit, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toDiscountView } from './views.js';
import type { DiscountView } from './views.js';

const listDiscountsInput = z
  .object({
    tenantId: idSchema,
    customerId: idSchema.optional(),
    subscriptionId: idSchema.optional(),
    ...pageInputShape,
  })
  .refine((input) => (input.customerId === undefined) !== (input.subscriptionId === undefined), {
    message: 'Give exactly one of customerId and subscriptionId',
  });

export type ListDiscountsInput = z.input<typeof listDiscountsInput>;

async function assertTargetExists(prisma: Db, tenantId: string, target: { customerId: string | undefined; subscriptionId: string | undefined }): Promise<void> {
  if (target.subscriptionId !== undefined) {
    const found = await prisma.subscription.count({ where: { id: target.subscriptionId, tenantId } });
    if (found === 0) throw notFound('subscription', target.subscriptionId);
    return;
  }
  const customerId = target.customerId ?? '';
  if ((await prisma.customer.count({ where: { id: customerId, tenantId } })) === 0) throw notFound('customer', customerId);
}

/**
 * The discounts applied directly to a customer (customer-wide ones) or to one subscription, ended
 * ones included, newest first. A subscription's list does not repeat its customer's customer-wide
 * discounts, though invoices apply both. Discounts have no createdAt: they are ordered and paged
 * by startedAt, with cursors of the same format.
 */
export async function listDiscounts(prisma: Db, input: ListDiscountsInput): Promise<Page<DiscountView>> {
  const { tenantId, customerId, subscriptionId, ...page } = parseInput(listDiscountsInput, input);
  const limit = pageLimit(page.limit);
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  await assertTargetExists(prisma, tenantId, { customerId, subscriptionId });
  const where: Prisma.DiscountWhereInput = {
    tenantId,
    ...(subscriptionId === undefined ? { customerId: customerId ?? '', subscriptionId: null } : { subscriptionId }),
    ...(after === undefined
      ? {}
      : { OR: [{ startedAt: { lt: after.createdAt } }, { startedAt: after.createdAt, id: { lt: after.id } }] }),
  };
  const rows = await prisma.discount.findMany({
    where,
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    include: { coupon: true },
  });
  return toPage(
    rows.map((row) => ({ ...row, createdAt: row.startedAt })),
    page,
    toDiscountView,
  );
}
