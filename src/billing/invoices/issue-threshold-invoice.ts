import type { PrismaClient } from '../../db/prisma-client.js';
import { BelowMinimumUsage } from './invoice-contents.js';
import type { InvoiceSummary } from './invoice-summary.js';
import { issueInvoice, type IssueInvoiceInput } from './issue-invoice.js';

export type ThresholdInvoiceResult = { status: 'issued'; invoice: InvoiceSummary } | { status: 'below_threshold'; accrued: number; threshold: number } | { status: 'no_threshold' };

/**
 * Progressive billing: when the usage charges accrued in the open period (each window's price now,
 * less what earlier threshold invoices billed of it) reach the subscription's spend threshold, an
 * invoice for them is issued — kind `threshold`, usage lines only, credit balance applied,
 * finalized — in one transaction; below the threshold nothing is written. The period's own invoice
 * later bills only the rest. A retry finds the invoice its source key names.
 */
export async function issueThresholdInvoice(prisma: PrismaClient, input: IssueInvoiceInput, now: Date): Promise<ThresholdInvoiceResult> {
  const { tenantId, subscriptionId, sourceKey } = input.invoice;
  const [subscription, existing] = await Promise.all([
    prisma.subscription.findFirst({ where: { id: subscriptionId, tenantId }, select: { spendThreshold: true } }),
    prisma.invoice.findUnique({ where: { tenantId_sourceKey: { tenantId, sourceKey } }, select: { id: true } }),
  ]);
  const threshold = subscription?.spendThreshold ?? null;
  if (existing === null && threshold === null) return { status: 'no_threshold' };
  const usage = input.invoice.usage ?? { windows: [], reconcileSince: null, closeUsage: false };
  try {
    const invoice = await issueInvoice(
      prisma,
      { ...input, invoice: { ...input.invoice, kind: 'threshold', lines: [], usage: { ...usage, reconcileSince: null, closeUsage: false, progressive: true, ...(threshold === null ? {} : { minimumAmount: Number(threshold) }) } } },
      now,
    );
    return { status: 'issued', invoice };
  } catch (error) {
    if (error instanceof BelowMinimumUsage) return { status: 'below_threshold', accrued: error.accrued, threshold: error.minimum };
    throw error;
  }
}
