import { z } from 'zod';
import type { Db } from '../db.js';
import { DEFAULT_USAGE_GRACE_PERIOD_HOURS } from '../dunning/load-billing-policy.js';

export const billingSettingsViewSchema = z
  .object({
    object: z.literal('billing_settings'),
    usageGracePeriodHours: z.int().describe('How long an invoice with usage stays a draft at a period boundary so late events land on it (0 to 72)'),
  })
  .meta({ id: 'BillingSettings' });

export interface BillingSettingsView {
  object: 'billing_settings';
  usageGracePeriodHours: number;
}

/** The tenant's billing settings (the defaults until it saves some). */
export async function getBillingSettings(prisma: Db, input: { tenantId: string }): Promise<BillingSettingsView> {
  const row = await prisma.billingSettings.findUnique({ where: { tenantId: input.tenantId } });
  return { object: 'billing_settings', usageGracePeriodHours: row?.usageGracePeriodHours ?? DEFAULT_USAGE_GRACE_PERIOD_HOURS };
}
