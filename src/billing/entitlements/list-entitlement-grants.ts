import type { Db } from '../db.js';
import { requireSubscription } from './list-entitlement-overrides.js';
import { toEntitlementGrantView, type EntitlementGrantView } from './views.js';

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
