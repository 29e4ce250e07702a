import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toSubscriptionView } from './views.js';
import type { SubscriptionView } from './views.js';

const getSubscriptionRecordInput = z.object({ tenantId: idSchema, subscriptionId: idSchema });

export type GetSubscriptionRecordInput = z.input<typeof getSubscriptionRecordInput>;

/**
 * The `include` that loads a subscription's items in their order: items have no position column,
 * so their creation instant (then id) is the order they were given in.
 */
export function withItems(tenantId: string) {
  return { items: { where: { tenantId }, orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }] } };
}

/**
 * The persisted subscription and its items, as last written by its workflow (not a query to the
 * running workflow). Another tenant's subscription is `subscription_not_found`.
 */
export async function getSubscriptionRecord(prisma: Db, input: GetSubscriptionRecordInput): Promise<SubscriptionView> {
  const { tenantId, subscriptionId } = parseInput(getSubscriptionRecordInput, input);
  const subscription = await prisma.subscription.findFirst({ where: { id: subscriptionId, tenantId }, include: withItems(tenantId) });
  if (subscription === null) throw notFound('subscription', subscriptionId);
  return toSubscriptionView(subscription, subscription.items);
}
