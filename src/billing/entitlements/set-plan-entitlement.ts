import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { runInTransaction, toJson } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { assertEntitlementFits } from './entitlement-value.js';
import { ALL_CUSTOMERS, notifyEntitlementsChanged } from './entitlement-changes.js';
import { quotaSchema, staticValueSchema } from './feature-definition.js';
import { requireFeature } from './require-feature.js';
import { toPlanEntitlementView, type PlanEntitlementView } from './views.js';

/** The plan an entitlement belongs to: every price of a product, or one price. */
export type PlanRef = { productId: string; priceId?: undefined } | { priceId: string; productId?: undefined };

const setPlanEntitlementInput = z.object({
  tenantId: idSchema,
  feature: idSchema,
  value: staticValueSchema.optional(),
  limit: quotaSchema.nullable().optional(),
});

/**
 * Grants a feature to a product (each of its prices) or to one price, with its value or limit;
 * setting it again replaces what was granted (so a retry is harmless). A price's entitlement
 * replaces its product's for that feature. Subscriptions on the plan see the change at once.
 */
export async function setPlanEntitlement(prisma: PrismaClient, plan: PlanRef, input: z.input<typeof setPlanEntitlementInput>): Promise<PlanEntitlementView> {
  const parsed = parseInput(setPlanEntitlementInput, input);
  const { tenantId } = parsed;
  return runInTransaction(prisma, async (tx) => {
    if (plan.productId !== undefined && (await tx.product.count({ where: { id: plan.productId, tenantId } })) === 0) throw notFound('product', plan.productId);
    if (plan.priceId !== undefined && (await tx.price.count({ where: { id: plan.priceId, tenantId } })) === 0) throw notFound('price', plan.priceId);
    const feature = await requireFeature(tx, tenantId, parsed.feature);
    if (feature.archivedAt !== null) throw failure('feature_archived', `Feature ${feature.key} is archived`, { feature: feature.key });
    assertEntitlementFits(feature, parsed, { limitRequired: true, valueRequired: true });
    const data = {
      value: parsed.value === undefined ? Prisma.DbNull : toJson(parsed.value),
      limit: parsed.limit === undefined || parsed.limit === null ? null : new Prisma.Decimal(parsed.limit),
    };
    const where = plan.productId !== undefined ? { featureId_productId: { featureId: feature.id, productId: plan.productId } } : { featureId_priceId: { featureId: feature.id, priceId: plan.priceId } };
    const row = await tx.planEntitlement.upsert({
      where,
      create: { id: newId('pent'), tenantId, featureId: feature.id, productId: plan.productId ?? null, priceId: plan.priceId ?? null, ...data },
      update: data,
      include: { feature: true },
    });
    await notifyEntitlementsChanged(tx, tenantId, [ALL_CUSTOMERS]);
    return toPlanEntitlementView(row);
  });
}
