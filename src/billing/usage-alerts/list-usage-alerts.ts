import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { ALERT_INCLUDE, toUsageAlertView, type UsageAlertView } from './views.js';

/** A subscription's usage alerts, oldest first, each with its recent firings. */
export async function listUsageAlerts(db: Db, input: { tenantId: string; subscriptionId: string }): Promise<UsageAlertView[]> {
  if ((await db.subscription.count({ where: { id: input.subscriptionId, tenantId: input.tenantId } })) === 0) throw notFound('subscription', input.subscriptionId);
  const rows = await db.usageAlert.findMany({ where: { tenantId: input.tenantId, subscriptionId: input.subscriptionId }, include: ALERT_INCLUDE, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map(toUsageAlertView);
}
