import { z } from 'zod';
import { usageWindowAt, type FeatureUsagePeriod } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { currentBillingWindow } from './billing-window.js';
import { notifyEntitlementsChanged } from './entitlement-changes.js';
import { quotaSchema } from './feature-definition.js';
import { requireFeature } from './require-feature.js';
import { toEntitlementGrantView, type EntitlementGrantView } from './views.js';

const grantInput = z.object({
  tenantId: idSchema,
  subscriptionId: idSchema,
  feature: idSchema,
  quantity: quotaSchema.refine((value) => value !== '0', { message: 'must be more than 0' }),
  reason: z.string().trim().min(1).max(500).optional(),
  /** Derived from the caller's idempotency key: a retried grant is found, never added twice. */
  id: idSchema.optional(),
});

/**
 * Extra quota of a metered feature for the usage period current now (this billing period, day,
 * week or month): added to the limit until the period ends, then gone.
 */
export async function grantExtraQuota(prisma: PrismaClient, input: z.input<typeof grantInput>, now: number): Promise<EntitlementGrantView> {
  const parsed = parseInput(grantInput, input);
  const { tenantId, subscriptionId } = parsed;
  return runInTransaction(prisma, async (tx) => {
    if (parsed.id !== undefined) {
      const existing = await tx.entitlementGrant.findFirst({ where: { id: parsed.id, tenantId }, include: { feature: true } });
      if (existing !== null) return toEntitlementGrantView(existing);
    }
    const subscription = await tx.subscription.findFirst({
      where: { id: subscriptionId, tenantId },
      select: { customerId: true, billingAnchor: true, intervalUnit: true, intervalCount: true, currentPeriodStart: true, currentPeriodEnd: true },
    });
    if (subscription === null) throw notFound('subscription', subscriptionId);
    const feature = await requireFeature(tx, tenantId, parsed.feature);
    if (feature.type !== 'metered') throw failure('invalid_entitlement', `Extra quota is for metered features; ${feature.key} is ${feature.type}`, { feature: feature.key, type: feature.type });
    if (feature.archivedAt !== null) throw failure('feature_archived', `Feature ${feature.key} is archived`, { feature: feature.key });
    // The window the check counts against now (the same billing period the check reads).
    const window = usageWindowAt(feature.usagePeriod as FeatureUsagePeriod, now, currentBillingWindow(subscription, now));
    if (window === null) throw failure('no_usage_period', `Subscription ${subscriptionId} has no current billing period to grant quota in`, { subscriptionId });
    const row = await tx.entitlementGrant.create({
      data: {
        id: parsed.id ?? newId('egrant'),
        tenantId,
        subscriptionId,
        featureId: feature.id,
        quantity: new Prisma.Decimal(parsed.quantity),
        periodStart: new Date(window.from),
        periodEnd: new Date(window.to),
        reason: parsed.reason ?? null,
      },
      include: { feature: true },
    });
    await notifyEntitlementsChanged(tx, tenantId, [subscription.customerId]);
    return toEntitlementGrantView(row);
  });
}
