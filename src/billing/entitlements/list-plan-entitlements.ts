import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import type { PlanRef } from './set-plan-entitlement.js';
import { toPlanEntitlementView, type PlanEntitlementView } from './views.js';

/** What a product or a price grants, by feature key. */
export async function listPlanEntitlements(prisma: Db, tenantId: string, plan: PlanRef): Promise<PlanEntitlementView[]> {
  if (plan.productId !== undefined && (await prisma.product.count({ where: { id: plan.productId, tenantId } })) === 0) throw notFound('product', plan.productId);
  if (plan.priceId !== undefined && (await prisma.price.count({ where: { id: plan.priceId, tenantId } })) === 0) throw notFound('price', plan.priceId);
  const rows = await prisma.planEntitlement.findMany({
    where: { tenantId, ...(plan.productId !== undefined ? { productId: plan.productId } : { priceId: plan.priceId }) },
    include: { feature: true },
    orderBy: { feature: { key: 'asc' } },
  });
  return rows.map(toPlanEntitlementView);
}
