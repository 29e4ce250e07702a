import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscriptionRecord } from './get-subscription-record.js';
import type { LiveSubscriptionView } from './subscription-workflows.js';
import type { SubscriptionView } from './views.js';

export type SubscriptionWithLiveState = SubscriptionView & { live: LiveSubscriptionView | null };

/** The stored subscription (tenant-checked) with its workflow's live view (null if it cannot answer). */
export async function getSubscription(deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>, input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionWithLiveState> {
  const record = await getSubscriptionRecord(deps.prisma, input);
  return { ...record, live: await deps.workflows.liveState(input.subscriptionId) };
}
