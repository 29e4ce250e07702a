import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { toEntitlementGrantView, toEntitlementOverrideView, type EntitlementGrantView, type EntitlementOverrideView } from './views.js';

async function requireSubscription(db: Db, tenantId: string, subscriptionId: string): Promise<void> {
  if ((await db.subscription.count({ where: { id: subscriptionId, tenantId } })) === 0) throw notFound('subscription', subscriptionId);
}

/** A subscription's overrides, by feature key. */
export async function listEntitlementOverrides(db: Db, input: { tenantId: string; subscriptionId: string }): Promise<EntitlementOverrideView[]> {
  await requireSubscription(db, input.tenantId, input.subscriptionId);
  const rows = await db.entitlementOverride.findMany({ where: { tenantId: input.tenantId, subscriptionId: input.subscriptionId }, include: { feature: true }, orderBy: { feature: { key: 'asc' } } });
  return rows.map(toEntitlementOverrideView);
}

/** A subscription's extra-quota grants, newest first (past periods' included: they are the record). */
export async function listEntitlementGrants(db: Db, input: { tenantId: string; subscriptionId: string }): Promise<EntitlementGrantView[]> {
  await requireSubscription(db, input.tenantId, input.subscriptionId);
  const rows = await db.entitlementGrant.findMany({
    where: { tenantId: input.tenantId, subscriptionId: input.subscriptionId },
    include: { feature: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
  });
  return rows.map(toEntitlementGrantView);
}
