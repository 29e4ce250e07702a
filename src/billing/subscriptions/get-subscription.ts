import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscriptionRecord } from './get-subscription-record.js';
import { toLiveStateView, type LiveStateView } from './change-views.js';
import type { SubscriptionView } from './views.js';

export type SubscriptionWithLiveState = SubscriptionView & { live?: LiveStateView | null };

/**
 * The stored subscription (tenant-checked), from the database: the workflow writes every change
 * it makes there. With `live`, also the workflow's own view (null if it cannot answer in time) —
 * a query that waits on a worker, so never the default.
 */
export async function getSubscription(deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>, input: { tenantId: string; subscriptionId: string; live?: boolean }): Promise<SubscriptionWithLiveState> {
  const record = await getSubscriptionRecord(deps.prisma, input);
  if (input.live !== true) return record;
  const live = await deps.workflows.liveState(input.subscriptionId);
  return { ...record, live: live === null ? null : toLiveStateView(live) };
}
