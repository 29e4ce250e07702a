import { z } from 'zod';
import type { Db } from '../db.js';
import { DEFAULT_USAGE_GRACE_PERIOD_HOURS } from '../dunning/load-billing-policy.js';
import { DEFAULT_RETENTION_DAYS } from '../maintenance/purge-expired-rows.js';
import { DEFAULT_RECONCILE_AFTER_MINUTES } from '../reconciliation/find-stale-payment-attempts.js';

export const billingSettingsViewSchema = z
  .object({
    object: z.literal('billing_settings'),
    usageGracePeriodHours: z.int().describe('How long an invoice with usage stays a draft at a period boundary so late events land on it (0 to 72)'),
    reconcileAfterMinutes: z.int().describe('A payment attempt without a known outcome this long is looked up at the gateway by the hourly payment reconciliation (0 to 1440)'),
    snapshotHourUtc: z.int().describe('The UTC hour at which the daily billing snapshot is taken (0 to 23)'),
    webhookEventRetentionDays: z.int().describe('Processed gateway webhook events are deleted after this many days (1 to 3650)'),
    outboxRetentionDays: z.int().describe('Delivered outbox events are deleted after this many days (1 to 3650)'),
    upcomingRenewalNoticeDays: z.int().describe('`invoice.upcoming` and the upcoming-renewal email go out this many days before a renewal (1 to 60)'),
    invoiceOverdueDays: z.int().describe('`invoice.overdue` and its email go out when a finalized invoice is still unpaid this many days later (1 to 365)'),
    invoiceIssuerName: z.string().nullable().describe("The issuer the invoice PDF names; null: the tenant's name"),
    invoiceIssuerAddress: z.string().nullable().describe("The issuer's postal address, lines separated by \\n"),
    invoiceIssuerEmail: z.string().nullable(),
    invoiceIssuerTaxId: z.string().nullable(),
    invoiceFooter: z.string().nullable().describe('Printed at the foot of every page of the invoice PDF'),
  })
  .meta({ id: 'BillingSettings' });

export interface BillingSettingsView {
  object: 'billing_settings';
  usageGracePeriodHours: number;
  reconcileAfterMinutes: number;
  snapshotHourUtc: number;
  webhookEventRetentionDays: number;
  outboxRetentionDays: number;
  upcomingRenewalNoticeDays: number;
  invoiceOverdueDays: number;
  invoiceIssuerName: string | null;
  invoiceIssuerAddress: string | null;
  invoiceIssuerEmail: string | null;
  invoiceIssuerTaxId: string | null;
  invoiceFooter: string | null;
}

export const DEFAULT_UPCOMING_RENEWAL_NOTICE_DAYS = 7;
export const DEFAULT_INVOICE_OVERDUE_DAYS = 7;

const DEFAULT_JOB_SETTINGS = { reconcileAfterMinutes: DEFAULT_RECONCILE_AFTER_MINUTES, snapshotHourUtc: 0, webhookEventRetentionDays: DEFAULT_RETENTION_DAYS, outboxRetentionDays: DEFAULT_RETENTION_DAYS } as const;

/** The tenant's billing settings (the defaults until it saves some). */
export async function getBillingSettings(prisma: Db, input: { tenantId: string }): Promise<BillingSettingsView> {
  const row = await prisma.billingSettings.findUnique({ where: { tenantId: input.tenantId } });
  return {
    object: 'billing_settings',
    usageGracePeriodHours: row?.usageGracePeriodHours ?? DEFAULT_USAGE_GRACE_PERIOD_HOURS,
    reconcileAfterMinutes: row?.reconcileAfterMinutes ?? DEFAULT_JOB_SETTINGS.reconcileAfterMinutes,
    snapshotHourUtc: row?.snapshotHourUtc ?? DEFAULT_JOB_SETTINGS.snapshotHourUtc,
    webhookEventRetentionDays: row?.webhookEventRetentionDays ?? DEFAULT_JOB_SETTINGS.webhookEventRetentionDays,
    outboxRetentionDays: row?.outboxRetentionDays ?? DEFAULT_JOB_SETTINGS.outboxRetentionDays,
    upcomingRenewalNoticeDays: row?.upcomingRenewalNoticeDays ?? DEFAULT_UPCOMING_RENEWAL_NOTICE_DAYS,
    invoiceOverdueDays: row?.invoiceOverdueDays ?? DEFAULT_INVOICE_OVERDUE_DAYS,
    invoiceIssuerName: row?.invoiceIssuerName ?? null,
    invoiceIssuerAddress: row?.invoiceIssuerAddress ?? null,
    invoiceIssuerEmail: row?.invoiceIssuerEmail ?? null,
    invoiceIssuerTaxId: row?.invoiceIssuerTaxId ?? null,
    invoiceFooter: row?.invoiceFooter ?? null,
  };
}
