import { getMrrAnalytics } from '../../billing/analytics/get-mrr-analytics.js';
import { getRevenueAnalytics } from '../../billing/analytics/get-revenue-analytics.js';
import type { MrrAnalyticsView, RevenueAnalyticsView } from '../../billing/analytics/views.js';
import type { PrismaClient } from '../../db/prisma-client.js';

/** The scenario's finance figures, month by month from its start to `until`, as GET /v1/analytics/mrr and /revenue report them. */
export interface TimelineAnalytics {
  mrr: MrrAnalyticsView['series'][number]['buckets'];
  revenue: RevenueAnalyticsView['series'][number]['buckets'];
}

/** A report holds at most 120 monthly buckets: a longer scenario shows its last ten years. */
const MAX_MONTHS = 120;

/**
 * MRR, its movements and receivables, and recognised and deferred revenue, per calendar month of
 * the scenario (the first and last months partial), read from the same tables the API reads —
 * so a scenario's figures can be checked by hand against its invoices.
 */
export async function timelineAnalytics(prisma: PrismaClient, input: { tenantId: string; currency: string; start: number; until: number }): Promise<TimelineAnalytics> {
  // `until` is an instant: its day is the last whole day the scenario reached only when it is midnight.
  const last = new Date(input.until - 1);
  const earliest = Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - (MAX_MONTHS - 1), 1);
  const from = new Date(Math.max(input.start, earliest)).toISOString().slice(0, 10);
  const to = last.toISOString().slice(0, 10);
  const range = { tenantId: input.tenantId, today: to, from, to, interval: 'month', currency: input.currency };
  const [mrr, revenue] = await Promise.all([getMrrAnalytics(prisma, range), getRevenueAnalytics(prisma, range)]);
  return { mrr: mrr.series[0]?.buckets ?? [], revenue: revenue.series[0]?.buckets ?? [] };
}
