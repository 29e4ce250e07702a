import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction } from '../db.js';
import { notFound } from '../failures.js';
import { notifyEntitlementsChanged } from './entitlement-changes.js';
import { requireFeature } from './require-feature.js';
import { toEntitlementOverrideView, type EntitlementOverrideView } from './views.js';

/** Removes a subscription's override: its plan decides again. */
export async function removeEntitlementOverride(prisma: PrismaClient, input: { tenantId: string; subscriptionId: string; feature: string }): Promise<EntitlementOverrideView> {
  const { tenantId, subscriptionId } = input;
  return runInTransaction(prisma, async (tx) => {
    const subscription = await tx.subscription.findFirst({ where: { id: subscriptionId, tenantId }, select: { customerId: true } });
    if (subscription === null) throw notFound('subscription', subscriptionId);
    const feature = await requireFeature(tx, tenantId, input.feature);
    const row = await tx.entitlementOverride.findFirst({ where: { tenantId, subscriptionId, featureId: feature.id }, include: { feature: true } });
    if (row === null) throw notFound('entitlement_override', feature.key);
    await tx.entitlementOverride.delete({ where: { id: row.id } });
    await notifyEntitlementsChanged(tx, tenantId, [subscription.customerId]);
    return toEntitlementOverrideView(row);
  });
}
