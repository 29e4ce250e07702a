import { loadBillingPolicy, type BillingPolicy } from '../src/billing/dunning/load-billing-policy.js';
import { loadSubscriptionSnapshot, type SubscriptionSnapshot } from '../src/billing/subscriptions/load-subscription-snapshot.js';
import type { ActivityDependencies } from './dependencies.js';

/** What a subscription's first run starts from: its row with items and prices, and the tenant's billing policy. */
export async function loadSubscriptionStart(deps: ActivityDependencies, input: { tenantId: string; subscriptionId: string }): Promise<{ snapshot: SubscriptionSnapshot; policy: BillingPolicy }> {
  const [snapshot, policy] = await Promise.all([loadSubscriptionSnapshot(deps.prisma, input), loadBillingPolicy(deps.prisma, { tenantId: input.tenantId })]);
  return { snapshot, policy };
}
