import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscriptionRecord } from './get-subscription-record.js';
import type { LiveSubscriptionView } from './subscription-workflows.js';
import type { SubscriptionView } from './views.js';

export type SubscriptionWithLiveState = SubscriptionView & { live?: LiveSubscriptionView | null };

/**
 * The stored subscription (tenant-checked), from the database: the workflow writes every change
 * it makes there. With `live`, also the workflow's own view (null if it cannot answer in time) —
 * a query that waits on a worker, so never the default.
 */
export async function getSubscription(deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>, input: { tenantId: string; subscriptionId: string; live?: boolean }): Promise<SubscriptionWithLiveState> {
  const record = await getSubscriptionRecord(deps.prisma, input);
  if (input.live !== true) return record;
  return { ...record, live: await deps.workflows.liveState(input.subscriptionId) };
}
