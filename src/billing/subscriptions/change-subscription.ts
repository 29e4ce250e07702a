import { assertMetersNotBilledElsewhere } from '../usage/assert-meter-free.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { requireLiveSubscription } from './require-subscription.js';
import type { ChangeItemsRequest, ChangeItemsResult } from './subscription-workflows.js';

export interface ChangeSubscriptionInput {
  tenantId: string;
  subscriptionId: string;
  /** Names the change: the same id is applied once and its first result returned again. */
  changeId: string;
  items: ChangeItemsRequest['items'];
  prorationBehavior?: ChangeItemsRequest['prorationBehavior'] | undefined;
  effective?: ChangeItemsRequest['effective'] | undefined;
}

/**
 * Changes the items through the subscription's workflow, which prorates, invoices or schedules
 * it. Deduplicated twice under the caller's own idempotency: the workflow service by update id,
 * the workflow by change id.
 */
export async function changeSubscription(deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>, input: ChangeSubscriptionInput): Promise<ChangeItemsResult> {
  const subscription = await requireLiveSubscription(deps.prisma, input.tenantId, input.subscriptionId);
  const metered = await deps.prisma.price.findMany({ where: { tenantId: input.tenantId, id: { in: input.items.map((item) => item.priceId) }, meterId: { not: null } }, select: { meterId: true } });
  await assertMetersNotBilledElsewhere(deps.prisma, { tenantId: input.tenantId, customerId: subscription.customerId, meterIds: metered.flatMap((p) => (p.meterId === null ? [] : [p.meterId])), exceptSubscriptionId: subscription.id });
  const request: ChangeItemsRequest = {
    changeId: input.changeId,
    items: input.items,
    ...(input.prorationBehavior === undefined ? {} : { prorationBehavior: input.prorationBehavior }),
    ...(input.effective === undefined ? {} : { effective: input.effective }),
  };
  return deps.workflows.changeItems(input.subscriptionId, request, `change:${input.changeId}`);
}
