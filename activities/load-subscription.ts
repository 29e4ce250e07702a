import { instantOrNull } from '../src/billing/amounts.js';
import { failure } from '../src/billing/failures.js';
import type { ActivityDependencies } from './index.js';
import { toPriceInfo } from './price-info.js';
import type { SubscriptionSnapshot } from './types.js';

/** The subscription with its items and their prices (archived prices included: existing items keep theirs). */
export async function loadSubscription(
  { prisma }: ActivityDependencies,
  input: { tenantId: string; subscriptionId: string },
): Promise<SubscriptionSnapshot> {
  const row = await prisma.subscription.findFirst({
    where: { id: input.subscriptionId, tenantId: input.tenantId },
    include: { items: { include: { price: { include: { product: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  if (row === null) {
    throw failure('subscription_not_found', `No subscription ${input.subscriptionId}`, { subscriptionId: input.subscriptionId });
  }
  return {
    tenantId: row.tenantId,
    subscriptionId: row.id,
    customerId: row.customerId,
    status: row.status,
    currency: row.currency,
    interval: { unit: row.intervalUnit, count: row.intervalCount },
    billingAnchor: row.billingAnchor.getTime(),
    currentPeriodIndex: row.currentPeriodIndex,
    trialStart: instantOrNull(row.trialStart),
    trialEnd: instantOrNull(row.trialEnd),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    canceledAt: instantOrNull(row.canceledAt),
    pausedAt: instantOrNull(row.pausedAt),
    stateVersion: row.stateVersion,
    items: row.items.map((item) => ({ priceId: item.priceId, quantity: item.quantity, price: toPriceInfo(item.price) })),
  };
}
