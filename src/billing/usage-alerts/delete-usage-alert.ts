import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { ALERT_INCLUDE, toUsageAlertView, type UsageAlertView } from './views.js';

/** Removes an alert (its firings with it; the events it sent stay in the outbox). */
export async function deleteUsageAlert(db: Db, input: { tenantId: string; subscriptionId: string; usageAlertId: string }): Promise<UsageAlertView> {
  if ((await db.subscription.count({ where: { id: input.subscriptionId, tenantId: input.tenantId } })) === 0) throw notFound('subscription', input.subscriptionId);
  const alert = await db.usageAlert.findFirst({ where: { id: input.usageAlertId, tenantId: input.tenantId, subscriptionId: input.subscriptionId }, include: ALERT_INCLUDE });
  if (alert === null) throw notFound('usage_alert', input.usageAlertId);
  await db.usageAlert.delete({ where: { id: alert.id } });
  return toUsageAlertView(alert);
}
