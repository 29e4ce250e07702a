import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { getBillingSettings, type BillingSettingsView } from './get-billing-settings.js';

const saveBillingSettingsInput = z.object({ tenantId: idSchema, usageGracePeriodHours: z.int().min(0).max(72) });

/** Saves the tenant's billing settings; subscriptions apply them from their next period. */
export async function saveBillingSettings(prisma: Db, input: z.input<typeof saveBillingSettingsInput>): Promise<BillingSettingsView> {
  const { tenantId, usageGracePeriodHours } = parseInput(saveBillingSettingsInput, input);
  if ((await prisma.tenant.count({ where: { id: tenantId } })) === 0) throw notFound('tenant', tenantId);
  await prisma.billingSettings.upsert({ where: { tenantId }, create: { tenantId, usageGracePeriodHours }, update: { usageGracePeriodHours } });
  return getBillingSettings(prisma, { tenantId });
}
