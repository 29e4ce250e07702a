import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import { SubscriptionStatus } from '../../generated/prisma/enums.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { withItems } from './get-subscription-record.js';
import { toSubscriptionView } from './views.js';
import type { SubscriptionView } from './views.js';

const listSubscriptionsInput = z.object({
  tenantId: idSchema,
  status: z.enum(SubscriptionStatus).optional(),
  customerId: idSchema.optional(),
  /** Subscriptions with an item on this price. */
  priceId: idSchema.optional(),
  ...pageInputShape,
});

export type ListSubscriptionsInput = z.input<typeof listSubscriptionsInput>;

/** The tenant's subscriptions with their items, newest first. Filters combine with AND. */
export async function listSubscriptions(prisma: Db, input: ListSubscriptionsInput): Promise<Page<SubscriptionView>> {
  const { tenantId, status, customerId, priceId, ...page } = parseInput(listSubscriptionsInput, input);
  const query = pageQuery(page);
  const where: Prisma.SubscriptionWhereInput = {
    tenantId,
    ...(status === undefined ? {} : { status }),
    ...(customerId === undefined ? {} : { customerId }),
    ...(priceId === undefined ? {} : { items: { some: { tenantId, priceId } } }),
    // Rows strictly after the cursor, in (createdAt, id) order.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.subscription.findMany({ where, orderBy: query.orderBy, take: query.take, include: withItems(tenantId) });
  return toPage(rows, page, (row) => toSubscriptionView(row, row.items));
}
