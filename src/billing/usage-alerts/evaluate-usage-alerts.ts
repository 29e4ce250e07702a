import { crossedThresholds, usageWindowAt, type UsageWindow } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { runInTransaction } from '../db.js';
import { currentBillingWindow } from '../entitlements/billing-window.js';
import { ENTITLED_STATUSES, loadCustomerEntitlements } from '../entitlements/load-entitlements.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { meterQuantity, quantityMeterOf } from '../usage/meter-quantity.js';
import { thresholdsOf } from './views.js';

export interface FiredAlert {
  alertId: string;
  subscriptionId: string;
  threshold: string;
  thresholdQuantity: string;
  usage: string;
  periodStart: number;
  periodEnd: number;
}

const PAGE = 500;

/**
 * Fires every threshold of the alerts (of these customers, or of every live subscription) that
 * usage has reached in its current usage period and that has not fired in that period yet: a
 * firing row and a `usage.threshold_reached` outbox event, in one transaction, at most once per
 * (alert, threshold, period) whoever evaluates — usage ingestion right after it stores events,
 * and the usage-thresholds schedule as the backstop. Quantity thresholds count the billing
 * period; percentages of a feature's limit count that feature's usage period.
 */
export async function evaluateUsageAlerts(prisma: PrismaClient, input: { tenantId?: string; customerIds?: readonly string[]; now: number }): Promise<FiredAlert[]> {
  const fired: FiredAlert[] = [];
  let after: string | undefined;
  for (;;) {
    const alerts = await prisma.usageAlert.findMany({
      where: {
        ...(input.tenantId === undefined ? {} : { tenantId: input.tenantId }),
        ...(after === undefined ? {} : { id: { gt: after } }),
        subscription: { status: { in: [...ENTITLED_STATUSES] }, ...(input.customerIds === undefined ? {} : { customerId: { in: [...input.customerIds] } }) },
      },
      include: {
        subscription: { select: { customerId: true, billingAnchor: true, intervalUnit: true, intervalCount: true, currentPeriodStart: true, currentPeriodEnd: true } },
        meter: true,
        feature: true,
      },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    for (const alert of alerts) fired.push(...(await evaluateAlert(prisma, alert, input.now)));
    if (alerts.length < PAGE) return fired;
    after = alerts.at(-1)!.id;
  }
}

type LoadedAlert = Prisma.UsageAlertGetPayload<{
  include: { subscription: { select: { customerId: true; billingAnchor: true; intervalUnit: true; intervalCount: true; currentPeriodStart: true; currentPeriodEnd: true } }; meter: true; feature: true };
}>;

async function evaluateAlert(prisma: PrismaClient, alert: LoadedAlert, now: number): Promise<FiredAlert[]> {
  const { tenantId, subscription } = alert;
  const billing = currentBillingWindow(subscription, now);
  const featureWindow = alert.feature?.usagePeriod ? usageWindowAt(alert.feature.usagePeriod, now, billing) : null;
  const usageOf = new Map<string, Promise<string>>();
  const usageIn = (window: UsageWindow) => {
    const key = `${window.from}:${window.to}`;
    let usage = usageOf.get(key);
    if (usage === undefined) {
      usage = meterQuantity(prisma, { tenantId, customerId: subscription.customerId, meter: quantityMeterOf(alert.meter), from: window.from, to: window.to });
      usageOf.set(key, usage);
    }
    return usage;
  };
  let limit: string | null | undefined;
  const fired: FiredAlert[] = [];
  for (const threshold of thresholdsOf(alert.thresholds)) {
    const percent = 'percentOfLimit' in threshold;
    const window = percent ? featureWindow : billing;
    if (window === null) continue;
    if (percent && limit === undefined) {
      const { answers } = await loadCustomerEntitlements(prisma, { tenantId, customerId: subscription.customerId, featureKey: alert.featureId!, now });
      limit = answers[0]?.limit ?? null;
    }
    const usage = await usageIn(window);
    const [crossed] = crossedThresholds([threshold], usage, limit ?? null);
    if (crossed === undefined) continue;
    const firing = { alertId: alert.id, subscriptionId: alert.subscriptionId, threshold: crossed.key, thresholdQuantity: crossed.quantity, usage, periodStart: window.from, periodEnd: window.to };
    const inserted = await runInTransaction(prisma, async (tx) => {
      const { count } = await tx.usageAlertFiring.createMany({
        data: [
          {
            id: newId('ufire'),
            tenantId,
            alertId: alert.id,
            subscriptionId: alert.subscriptionId,
            threshold: crossed.key,
            periodStart: new Date(window.from),
            periodEnd: new Date(window.to),
            thresholdQuantity: new Prisma.Decimal(crossed.quantity),
            usage: new Prisma.Decimal(usage),
            firedAt: new Date(now),
          },
        ],
        skipDuplicates: true,
      });
      if (count === 0) return false;
      await writeOutboxEvents(tx, tenantId, [
        {
          type: 'usage.threshold_reached',
          dedupeKey: `usage_alert:${alert.id}:${crossed.key}:${window.from}`,
          aggregateType: 'subscription',
          aggregateId: alert.subscriptionId,
          payload: {
            alertId: alert.id,
            alertName: alert.name,
            subscriptionId: alert.subscriptionId,
            customerId: subscription.customerId,
            meterId: alert.meterId,
            meterKey: alert.meter.key,
            threshold: crossed.threshold,
            thresholdKey: crossed.key,
            thresholdQuantity: crossed.quantity,
            usage,
            periodStart: new Date(window.from).toISOString(),
            periodEnd: new Date(window.to).toISOString(),
            at: new Date(now).toISOString(),
          },
        },
      ]);
      return true;
    });
    if (inserted) fired.push(firing);
  }
  return fired;
}
