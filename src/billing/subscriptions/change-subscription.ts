import { createHash } from 'node:crypto';
import { changeRequestFingerprint } from './change-fingerprint.js';
import { assertMetersNotBilledElsewhere } from '../usage/assert-meter-free.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { requireLiveSubscription } from './require-subscription.js';
import { toChangeResultView, type ChangeResultView } from './change-views.js';
import type { ChangeItemsRequest } from './subscription-workflows.js';

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
export async function changeSubscription(deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>, input: ChangeSubscriptionInput): Promise<ChangeResultView> {
  const subscription = await requireLiveSubscription(deps.prisma, input.tenantId, input.subscriptionId);
  const metered = await deps.prisma.price.findMany({ where: { tenantId: input.tenantId, id: { in: input.items.map((item) => item.priceId) }, meterId: { not: null } }, select: { meterId: true } });
  await assertMetersNotBilledElsewhere(deps.prisma, { tenantId: input.tenantId, customerId: subscription.customerId, meterIds: metered.flatMap((p) => (p.meterId === null ? [] : [p.meterId])), exceptSubscriptionId: subscription.id });
  const request: ChangeItemsRequest = {
    changeId: input.changeId,
    items: input.items,
    ...(input.prorationBehavior === undefined ? {} : { prorationBehavior: input.prorationBehavior }),
    ...(input.effective === undefined ? {} : { effective: input.effective }),
  };
  // The update id names the request too: Temporal answers a repeated update id with its first
  // result, so a reused changeId asking for something else must reach the workflow to be refused.
  const asked = createHash('sha256').update(changeRequestFingerprint(request)).digest('hex').slice(0, 16);
  return toChangeResultView(await deps.workflows.changeItems(input.subscriptionId, request, `change:${input.changeId}:${asked}`));
}
