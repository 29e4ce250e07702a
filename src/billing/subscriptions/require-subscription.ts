import type { Db } from '../db.js';
import { failure } from '../failures.js';
import { getSubscriptionRecord } from './get-subscription-record.js';
import type { SubscriptionView } from './views.js';

/**
 * The tenant's subscription, checked before any workflow is touched (another tenant's id is
 * `subscription_not_found`, like a missing one), and refused as `subscription_canceled` once it
 * has ended: its workflow is gone and accepts nothing more.
 */
export async function requireLiveSubscription(prisma: Db, tenantId: string, subscriptionId: string): Promise<SubscriptionView> {
  const record = await getSubscriptionRecord(prisma, { tenantId, subscriptionId });
  if (record.status === 'canceled' && record.endedAt !== null) {
    throw failure('subscription_canceled', `Subscription ${subscriptionId} has ended`, { subscriptionId, endedAt: record.endedAt });
  }
  return record;
}
