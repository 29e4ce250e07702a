import { currentUsage, type SubscriptionUsageView } from '../usage/current-usage.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscriptionRecord } from './get-subscription-record.js';

/** The subscription's unbilled usage so far, per meter window, priced (`GET /v1/subscriptions/{id}/usage`). */
export async function getSubscriptionUsage(deps: SubscriptionCommandDependencies, input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionUsageView> {
  const record = await getSubscriptionRecord(deps.prisma, input);
  const preview = await deps.workflows.billingPreview(input.subscriptionId);
  return currentUsage(deps.prisma, {
    tenantId: input.tenantId,
    subscriptionId: record.id,
    customerId: record.customerId,
    currency: record.currency,
    billedUntil: preview.usage.billedUntil,
    segments: preview.usage.segments,
    now: await deps.now(),
  });
}
