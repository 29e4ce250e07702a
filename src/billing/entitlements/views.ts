import { z } from 'zod';
import { normaliseQuantity } from '../../domain/index.js';
import type { EntitlementGrant, EntitlementOverride, Feature, PlanEntitlement } from '../../generated/prisma/client.js';
import { instant } from '../view-fields.js';

/** What the API returns for a feature. */
export const featureViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('feature'),
    key: z.string(),
    name: z.string(),
    type: z.enum(['boolean', 'static', 'metered']),
    meterId: z.string().nullable().describe('Metered: the meter whose usage counts against the limit'),
    usagePeriod: z.enum(['billing_period', 'day', 'week', 'month']).nullable().describe('Metered: the window the limit applies to'),
    enforcement: z.enum(['soft', 'hard']).nullable().describe('Metered: hard denies once usage reaches the limit; soft allows and reports the overage'),
    active: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Feature' });

export type FeatureView = z.infer<typeof featureViewSchema>;

export function toFeatureView(feature: Feature): FeatureView {
  return {
    id: feature.id,
    object: 'feature',
    key: feature.key,
    name: feature.name,
    type: feature.type,
    meterId: feature.meterId,
    usagePeriod: feature.usagePeriod,
    enforcement: feature.enforcement,
    active: feature.archivedAt === null,
    createdAt: feature.createdAt.toISOString(),
    updatedAt: feature.updatedAt.toISOString(),
  };
}

const quantity = z.string().describe('A decimal quantity, as a string');

export const planEntitlementViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('plan_entitlement'),
    featureId: z.string(),
    featureKey: z.string(),
    productId: z.string().nullable(),
    priceId: z.string().nullable(),
    value: z.unknown().describe('Static features: the value'),
    limit: quantity.nullable().describe('Metered features: the limit per usage period; null = unlimited'),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'PlanEntitlement' });

export type PlanEntitlementView = z.infer<typeof planEntitlementViewSchema>;

export function toPlanEntitlementView(row: PlanEntitlement & { feature: Feature }): PlanEntitlementView {
  return {
    id: row.id,
    object: 'plan_entitlement',
    featureId: row.featureId,
    featureKey: row.feature.key,
    productId: row.productId,
    priceId: row.priceId,
    value: row.value ?? null,
    limit: row.limit === null ? null : quantityText(row.limit),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const entitlementOverrideViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('entitlement_override'),
    subscriptionId: z.string(),
    featureId: z.string(),
    featureKey: z.string(),
    hasAccess: z.boolean(),
    value: z.unknown(),
    limit: quantity.nullable(),
    unlimited: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'EntitlementOverride' });

export type EntitlementOverrideView = z.infer<typeof entitlementOverrideViewSchema>;

export function toEntitlementOverrideView(row: EntitlementOverride & { feature: Feature }): EntitlementOverrideView {
  return {
    id: row.id,
    object: 'entitlement_override',
    subscriptionId: row.subscriptionId,
    featureId: row.featureId,
    featureKey: row.feature.key,
    hasAccess: row.hasAccess,
    value: row.value ?? null,
    limit: row.limit === null ? null : quantityText(row.limit),
    unlimited: row.unlimited,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const entitlementGrantViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('entitlement_grant'),
    subscriptionId: z.string(),
    featureId: z.string(),
    featureKey: z.string(),
    quantity,
    periodStart: instant.describe('The usage period the extra quota belongs to'),
    periodEnd: instant,
    reason: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'EntitlementGrant' });

export type EntitlementGrantView = z.infer<typeof entitlementGrantViewSchema>;

export function toEntitlementGrantView(row: EntitlementGrant & { feature: Feature }): EntitlementGrantView {
  return {
    id: row.id,
    object: 'entitlement_grant',
    subscriptionId: row.subscriptionId,
    featureId: row.featureId,
    featureKey: row.feature.key,
    quantity: quantityText(row.quantity),
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A Decimal column as the API writes quantities: no trailing zeros. */
export function quantityText(value: { toFixed(): string }): string {
  return normaliseQuantity(value.toFixed());
}

export const entitlementViewSchema = z
  .object({
    object: z.literal('entitlement'),
    customerId: z.string(),
    featureId: z.string(),
    featureKey: z.string(),
    type: z.enum(['boolean', 'static', 'metered']),
    hasAccess: z.boolean().describe('Whether the customer may use the feature now'),
    value: z.unknown().describe('Static features: the configuration value; otherwise null'),
    limit: quantity.nullable().describe('Metered: the limit for the current usage period (plan or override plus extra quota); null = unlimited, or not metered'),
    usage: quantity.nullable().describe('Metered: the usage so far in the period, from the same meter and events the invoice bills'),
    remaining: quantity.nullable().describe('Metered with a limit: what is left, never negative'),
    overage: quantity.nullable().describe('Metered with a limit: usage beyond it (a soft limit allows it)'),
    resetsAt: instant.nullable().describe('Metered: when the usage period ends'),
    soft: z.boolean().describe('Metered: the limit is soft (always allows, reports the overage)'),
  })
  .meta({ id: 'Entitlement' });

export type EntitlementView = z.infer<typeof entitlementViewSchema>;
