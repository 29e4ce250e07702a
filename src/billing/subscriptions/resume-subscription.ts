import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscription, type SubscriptionWithLiveState } from './get-subscription.js';
import { requireLiveSubscription } from './require-subscription.js';

/** Resumes a paused subscription: a new period starts now, less credit for paid time the pause left unused. */
export async function resumeSubscription(deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>, input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionWithLiveState> {
  await requireLiveSubscription(deps.prisma, input.tenantId, input.subscriptionId);
  await deps.workflows.resumeCollection(input.subscriptionId);
  // After a change the live view is what the caller wants to see (the workflow just answered, so it is up).
  return getSubscription(deps, { ...input, live: true });
}
