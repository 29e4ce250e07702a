import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscription, type SubscriptionWithLiveState } from './get-subscription.js';
import { requireLiveSubscription } from './require-subscription.js';

/** Pauses collection: no invoices until resumed (the workflow refuses anything but active or past due). */
export async function pauseSubscription(deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>, input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionWithLiveState> {
  await requireLiveSubscription(deps.prisma, input.tenantId, input.subscriptionId);
  await deps.workflows.pauseCollection(input.subscriptionId);
  // After a change the live view is what the caller wants to see (the workflow just answered, so it is up).
  return getSubscription(deps, { ...input, live: true });
}
