import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscription, type SubscriptionWithLiveState } from './get-subscription.js';
import { requireLiveSubscription } from './require-subscription.js';
import type { CancelRequest } from './subscription-workflows.js';

/** Cancels now (optionally crediting unused time) or at the period end, through the workflow. */
export async function cancelSubscription(
  deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>,
  input: { tenantId: string; subscriptionId: string; mode: CancelRequest['mode']; prorate?: boolean | undefined },
): Promise<SubscriptionWithLiveState> {
  await requireLiveSubscription(deps.prisma, input.tenantId, input.subscriptionId);
  await deps.workflows.cancel(input.subscriptionId, { mode: input.mode, ...(input.prorate === undefined ? {} : { prorate: input.prorate }) });
  // After a change the live view is what the caller wants to see (the workflow just answered, so it is up).
  return getSubscription(deps, { ...input, live: true });
}
