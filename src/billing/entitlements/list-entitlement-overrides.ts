import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { toEntitlementOverrideView, type EntitlementOverrideView } from './views.js';

export async function requireSubscription(db: Db, tenantId: string, subscriptionId: string): Promise<void> {
  if ((await db.subscription.count({ where: { id: subscriptionId, tenantId } })) === 0) throw notFound('subscription', subscriptionId);
}

/** A subscription's overrides, by feature key. */
export async function listEntitlementOverrides(db: Db, input: { tenantId: string; subscriptionId: string }): Promise<EntitlementOverrideView[]> {
  await requireSubscription(db, input.tenantId, input.subscriptionId);
  const rows = await db.entitlementOverride.findMany({ where: { tenantId: input.tenantId, subscriptionId: input.subscriptionId }, include: { feature: true }, orderBy: { feature: { key: 'asc' } } });
  return rows.map(toEntitlementOverrideView);
}
