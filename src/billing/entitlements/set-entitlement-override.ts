import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { runInTransaction, toJson } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { notifyEntitlementsChanged } from './entitlement-changes.js';
import { assertEntitlementFits } from './entitlement-value.js';
import { quotaSchema, staticValueSchema } from './feature-definition.js';
import { requireFeature } from './require-feature.js';
import { toEntitlementOverrideView, type EntitlementOverrideView } from './views.js';

const setOverrideInput = z.object({
  tenantId: idSchema,
  subscriptionId: idSchema,
  feature: idSchema,
  /** False revokes the feature for this subscription whatever its plan grants. */
  hasAccess: z.boolean().optional(),
  value: staticValueSchema.optional(),
  /** Metered: the limit instead of the plan's; null lifts the limit. */
  limit: quotaSchema.nullable().optional(),
});

/**
 * A subscription's own answer for a feature, instead of its plan's: revoke it, grant it where the
 * plan does not, another static value, another limit or none. Setting it again replaces it; it
 * stays until removed, across plan changes.
 */
export async function setEntitlementOverride(prisma: PrismaClient, input: z.input<typeof setOverrideInput>): Promise<EntitlementOverrideView> {
  const parsed = parseInput(setOverrideInput, input);
  const { tenantId, subscriptionId } = parsed;
  return runInTransaction(prisma, async (tx) => {
    const subscription = await tx.subscription.findFirst({ where: { id: subscriptionId, tenantId }, select: { customerId: true } });
    if (subscription === null) throw notFound('subscription', subscriptionId);
    const feature = await requireFeature(tx, tenantId, parsed.feature);
    if (feature.archivedAt !== null) throw failure('feature_archived', `Feature ${feature.key} is archived`, { feature: feature.key });
    assertEntitlementFits(feature, parsed, { limitRequired: false, valueRequired: false });
    const data = {
      hasAccess: parsed.hasAccess ?? true,
      value: parsed.value === undefined ? Prisma.DbNull : toJson(parsed.value),
      limit: parsed.limit === undefined || parsed.limit === null ? null : new Prisma.Decimal(parsed.limit),
      unlimited: parsed.limit === null,
    };
    const row = await tx.entitlementOverride.upsert({
      where: { subscriptionId_featureId: { subscriptionId, featureId: feature.id } },
      create: { id: newId('eovr'), tenantId, subscriptionId, featureId: feature.id, ...data },
      update: data,
      include: { feature: true },
    });
    await notifyEntitlementsChanged(tx, tenantId, [subscription.customerId]);
    return toEntitlementOverrideView(row);
  });
}
