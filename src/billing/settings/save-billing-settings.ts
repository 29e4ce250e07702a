import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { getBillingSettings, type BillingSettingsView } from './get-billing-settings.js';

const billingSettingsFields = {
  usageGracePeriodHours: z.int().min(0).max(72),
  reconcileAfterMinutes: z.int().min(0).max(1440).optional(),
  snapshotHourUtc: z.int().min(0).max(23).optional(),
  webhookEventRetentionDays: z.int().min(1).max(3650).optional(),
  outboxRetentionDays: z.int().min(1).max(3650).optional(),
  upcomingRenewalNoticeDays: z.int().min(1).max(60).optional(),
  invoiceOverdueDays: z.int().min(1).max(365).optional(),
};
const saveBillingSettingsInput = z.object({ tenantId: idSchema, ...billingSettingsFields });

/**
 * Saves the tenant's billing settings: subscriptions apply the grace period from their next
 * period; the scheduled jobs read the rest at their next run. A setting left out keeps its value.
 */
export async function saveBillingSettings(prisma: Db, input: z.input<typeof saveBillingSettingsInput>): Promise<BillingSettingsView> {
  const { tenantId, ...fields } = parseInput(saveBillingSettingsInput, input);
  if ((await prisma.tenant.count({ where: { id: tenantId } })) === 0) throw notFound('tenant', tenantId);
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as typeof fields;
  await prisma.billingSettings.upsert({ where: { tenantId }, create: { tenantId, ...given }, update: given });
  return getBillingSettings(prisma, { tenantId });
}
