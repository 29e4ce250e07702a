import { z } from 'zod';
import type { AlertThreshold } from '../../domain/index.js';
import type { Feature, Prisma, UsageAlert, UsageAlertFiring } from '../../generated/prisma/client.js';
import { quantityText } from '../entitlements/views.js';
import { instant } from '../view-fields.js';

const threshold = z.union([z.object({ quantity: z.string() }), z.object({ percentOfLimit: z.string() })]);

export const usageAlertViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('usage_alert'),
    subscriptionId: z.string(),
    meterId: z.string(),
    featureId: z.string().nullable().describe('Percentage thresholds are of this metered feature’s limit'),
    featureKey: z.string().nullable(),
    name: z.string().nullable(),
    thresholds: z.array(threshold),
    firings: z
      .array(
        z.object({
          threshold: z.string().describe('`quantity:1000` or `percent:80`'),
          periodStart: instant,
          periodEnd: instant,
          thresholdQuantity: z.string(),
          usage: z.string().describe('The usage when it fired'),
          firedAt: instant,
        }),
      )
      .describe('When each threshold fired, newest first (the last 50)'),
    createdAt: instant,
  })
  .meta({ id: 'UsageAlert' });

export type UsageAlertView = z.infer<typeof usageAlertViewSchema>;

export function thresholdsOf(value: unknown): AlertThreshold[] {
  return Array.isArray(value) ? (value as AlertThreshold[]) : [];
}

export function toUsageAlertView(alert: UsageAlert & { feature: Feature | null; firings: UsageAlertFiring[] }): UsageAlertView {
  return {
    id: alert.id,
    object: 'usage_alert',
    subscriptionId: alert.subscriptionId,
    meterId: alert.meterId,
    featureId: alert.featureId,
    featureKey: alert.feature?.key ?? null,
    name: alert.name,
    thresholds: thresholdsOf(alert.thresholds),
    firings: alert.firings.map((f) => ({
      threshold: f.threshold,
      periodStart: f.periodStart.toISOString(),
      periodEnd: f.periodEnd.toISOString(),
      thresholdQuantity: quantityText(f.thresholdQuantity),
      usage: quantityText(f.usage),
      firedAt: f.firedAt.toISOString(),
    })),
    createdAt: alert.createdAt.toISOString(),
  };
}

export const ALERT_INCLUDE = { feature: true, firings: { orderBy: [{ firedAt: 'desc' }, { id: 'desc' }], take: 50 } } satisfies Prisma.UsageAlertInclude;
