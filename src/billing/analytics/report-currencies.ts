import type { Db } from '../db.js';
import type { AnalyticsRange } from './analytics-range.js';

/** The currency asked for, or every currency the tenant has MRR history or finalized invoices in by the range's end. */
export async function reportCurrencies(prisma: Db, range: AnalyticsRange, end: Date): Promise<string[]> {
  if (range.currency !== undefined) return [range.currency];
  const [history, invoices] = await Promise.all([
    prisma.subscriptionMrrChange.findMany({ where: { tenantId: range.tenantId, effectiveAt: { lt: end } }, distinct: ['currency'], select: { currency: true } }),
    prisma.invoice.findMany({ where: { tenantId: range.tenantId, finalizedAt: { not: null, lt: end } }, distinct: ['currency'], select: { currency: true } }),
  ]);
  return [...new Set([...history, ...invoices].map((row) => row.currency))].sort();
}
