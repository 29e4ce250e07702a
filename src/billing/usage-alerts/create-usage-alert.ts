import { z } from 'zod';
import { assertThresholds, normaliseQuantity } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { toJson } from '../db.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import { requireFeature } from '../entitlements/require-feature.js';
import { idSchema, parseInput } from '../validation.js';
import { evaluateUsageAlerts } from './evaluate-usage-alerts.js';
import { ALERT_INCLUDE, toUsageAlertView, type UsageAlertView } from './views.js';

const decimal = z.union([z.string().trim(), z.number().nonnegative()]).transform((value) => String(value));

const createUsageAlertInput = z.object({
  tenantId: idSchema,
  subscriptionId: idSchema,
  meterId: idSchema,
  thresholds: z.array(z.union([z.strictObject({ quantity: decimal }), z.strictObject({ percentOfLimit: decimal })])).min(1).max(20),
  feature: idSchema.optional(),
  name: z.string().trim().min(1).max(200).optional(),
  /** Derived from the caller's idempotency key. */
  id: idSchema.optional(),
});

/**
 * An alert on one subscription's usage of one meter: each threshold — a quantity, or a
 * percentage of `feature`'s limit (a metered feature on the same meter) — fires once per usage
 * period when crossed (an outbox event `usage.threshold_reached`). Thresholds already crossed
 * when the alert is created fire at once.
 */
export async function createUsageAlert(prisma: PrismaClient, input: z.input<typeof createUsageAlertInput>, now: number): Promise<UsageAlertView> {
  const parsed = parseInput(createUsageAlertInput, input);
  const { tenantId, subscriptionId } = parsed;
  const thresholds = parsed.thresholds.map((t) => ('quantity' in t ? { quantity: t.quantity } : { percentOfLimit: t.percentOfLimit }));
  withDomainValidation(() => assertThresholds(thresholds));
  const normalised = thresholds.map((t) => ('quantity' in t ? { quantity: normaliseQuantity(t.quantity) } : { percentOfLimit: normaliseQuantity(t.percentOfLimit) }));
  if (parsed.id !== undefined) {
    const existing = await prisma.usageAlert.findFirst({ where: { id: parsed.id, tenantId }, include: ALERT_INCLUDE });
    if (existing !== null) return toUsageAlertView(existing);
  }
  const subscription = await prisma.subscription.findFirst({ where: { id: subscriptionId, tenantId }, select: { customerId: true } });
  if (subscription === null) throw notFound('subscription', subscriptionId);
  const meter = await prisma.meter.findFirst({ where: { id: parsed.meterId, tenantId }, select: { id: true } });
  if (meter === null) throw notFound('meter', parsed.meterId);
  let featureId: string | null = null;
  if (parsed.feature !== undefined) {
    const feature = await requireFeature(prisma, tenantId, parsed.feature);
    if (feature.type !== 'metered' || feature.meterId !== meter.id) {
      throw failure('invalid_usage_alert', `Feature ${feature.key} is not a metered feature of meter ${meter.id}`, { feature: feature.key, meterId: meter.id });
    }
    featureId = feature.id;
  }
  if (featureId === null && normalised.some((t) => 'percentOfLimit' in t)) {
    throw failure('invalid_usage_alert', 'A percentage threshold needs `feature`: the metered feature whose limit it is a share of', { fields: [{ path: 'feature', message: 'is required with percentOfLimit' }] });
  }
  const alert = await prisma.usageAlert.create({
    data: { id: parsed.id ?? newId('ualert'), tenantId, subscriptionId, meterId: meter.id, featureId, thresholds: toJson(normalised), name: parsed.name ?? null },
  });
  await evaluateUsageAlerts(prisma, { tenantId, customerIds: [subscription.customerId], now });
  return toUsageAlertView(await prisma.usageAlert.findFirstOrThrow({ where: { id: alert.id }, include: ALERT_INCLUDE }));
}
