import { loadSubscriptionSnapshot, type SubscriptionSnapshot } from '../src/billing/subscriptions/load-subscription-snapshot.js';
import type { ActivityDependencies } from './dependencies.js';

export function loadSubscription(deps: ActivityDependencies, input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionSnapshot> {
  return loadSubscriptionSnapshot(deps.prisma, input);
}
