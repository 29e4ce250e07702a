import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction } from '../db.js';
import { notFound } from '../failures.js';
import { ALL_CUSTOMERS, notifyEntitlementsChanged } from './entitlement-changes.js';
import { requireFeature } from './require-feature.js';
import type { PlanRef } from './set-plan-entitlement.js';
import { toPlanEntitlementView, type PlanEntitlementView } from './views.js';

/** Stops a product or price granting a feature; answers with what it granted. Removing it again is `entitlement_not_found`. */
export async function removePlanEntitlement(prisma: PrismaClient, tenantId: string, plan: PlanRef, featureIdOrKey: string): Promise<PlanEntitlementView> {
  return runInTransaction(prisma, async (tx) => {
    if (plan.productId !== undefined && (await tx.product.count({ where: { id: plan.productId, tenantId } })) === 0) throw notFound('product', plan.productId);
    if (plan.priceId !== undefined && (await tx.price.count({ where: { id: plan.priceId, tenantId } })) === 0) throw notFound('price', plan.priceId);
    const feature = await requireFeature(tx, tenantId, featureIdOrKey);
    const row = await tx.planEntitlement.findFirst({
      where: { tenantId, featureId: feature.id, ...(plan.productId !== undefined ? { productId: plan.productId } : { priceId: plan.priceId }) },
      include: { feature: true },
    });
    if (row === null) throw notFound('entitlement', feature.key);
    await tx.planEntitlement.delete({ where: { id: row.id } });
    await notifyEntitlementsChanged(tx, tenantId, [ALL_CUSTOMERS]);
    return toPlanEntitlementView(row);
  });
}
