import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { getBillingSettings, type BillingSettingsView } from './get-billing-settings.js';

/** A line of text as it will be printed: trimmed, never empty (null clears the setting). */
const printedText = (max: number) => z.string().trim().min(1).max(max);

/** Each line trimmed, blank lines dropped, `\r\n` or `\n` between them: the lines the PDF prints. */
function addressLines(address: string): string[] {
  return address
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * Who the invoice PDF names as its issuer. Shared with the API body so that both layers refuse
 * the same values; null clears a setting, a setting left out keeps its value.
 */
export const invoiceIssuerFields = {
  invoiceIssuerName: printedText(200).nullable().optional().describe("The issuer's name on the invoice PDF; null: the tenant's name"),
  invoiceIssuerAddress: z
    .string()
    .max(1000)
    .transform((address) => addressLines(address).join('\n'))
    .pipe(
      z
        .string()
        .min(1, 'must have a line that is not blank')
        .refine((address) => address.split('\n').length <= 10, 'must have at most 10 lines')
        .refine((address) => address.split('\n').every((line) => line.length <= 200), 'must have lines of at most 200 characters'),
    )
    .nullable()
    .optional()
    .describe("The issuer's postal address, lines separated by \\n (at most 10 of at most 200 characters; each trimmed, blank ones dropped)"),
  invoiceIssuerEmail: z.string().trim().max(320).pipe(z.email()).nullable().optional().describe('A contact address printed under the issuer'),
  invoiceIssuerTaxId: printedText(100).nullable().optional().describe("The issuer's VAT or tax number"),
  invoiceFooter: printedText(500).nullable().optional().describe('A line at the foot of every page (payment terms, bank details…)'),
};

const billingSettingsFields = {
  usageGracePeriodHours: z.int().min(0).max(72),
  reconcileAfterMinutes: z.int().min(0).max(1440).optional(),
  snapshotHourUtc: z.int().min(0).max(23).optional(),
  webhookEventRetentionDays: z.int().min(1).max(3650).optional(),
  outboxRetentionDays: z.int().min(1).max(3650).optional(),
  upcomingRenewalNoticeDays: z.int().min(1).max(60).optional(),
  invoiceOverdueDays: z.int().min(1).max(365).optional(),
  ...invoiceIssuerFields,
};
const saveBillingSettingsInput = z.object({ tenantId: idSchema, ...billingSettingsFields });

/**
 * Saves the tenant's billing settings: subscriptions apply the grace period from their next
 * period; the scheduled jobs read the rest at their next run, the invoice PDF its issuer when
 * rendered. A setting left out keeps its value; null clears an issuer setting.
 */
export async function saveBillingSettings(prisma: Db, input: z.input<typeof saveBillingSettingsInput>): Promise<BillingSettingsView> {
  const { tenantId, ...fields } = parseInput(saveBillingSettingsInput, input);
  if ((await prisma.tenant.count({ where: { id: tenantId } })) === 0) throw notFound('tenant', tenantId);
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as typeof fields;
  await prisma.billingSettings.upsert({ where: { tenantId }, create: { tenantId, ...given }, update: given });
  return getBillingSettings(prisma, { tenantId });
}
