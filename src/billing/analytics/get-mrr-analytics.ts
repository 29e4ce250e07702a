import {
  mrrBuckets,
  mrrMetrics,
  mrrPoints,
  monthlyMinorUnits,
  periodContaining,
  receivablesByBucket,
  type BillingInterval,
  type ReceivableInvoice,
  type RecurringMrrChange,
  type UsageRunRate,
} from '../../domain/index.js';
import type { Db } from '../db.js';
import { bucketDays, parseAnalyticsRange, type AnalyticsRange, type AnalyticsRangeInput } from './analytics-range.js';
import { reportCurrencies } from './report-currencies.js';
import { FINALIZED } from './revenue-lines.js';
import type { MrrAnalyticsView } from './views.js';

const FAILED = new Set(['declined', 'no_payment_method', 'rejected']);

async function recurringHistory(prisma: Db, range: AnalyticsRange, currency: string, end: Date): Promise<RecurringMrrChange[]> {
  const rows = await prisma.subscriptionMrrChange.findMany({
    where: { tenantId: range.tenantId, currency, effectiveAt: { lt: end } },
    orderBy: [{ effectiveAt: 'asc' }, { stateVersion: 'asc' }],
    select: { subscriptionId: true, customerId: true, effectiveAt: true, counted: true, mrr: true },
  });
  return rows.map((row) => ({ subscriptionId: row.subscriptionId, customerId: row.customerId, at: row.effectiveAt.getTime(), counted: row.counted, mrr: row.mrr }));
}

/**
 * Invoiced usage as a run rate: each billing period's usage lines (late usage adjustments
 * included), normalised to a month by the subscription's interval, from that period's start.
 */
async function usageRunRates(prisma: Db, range: AnalyticsRange, currency: string, end: Date): Promise<UsageRunRate[]> {
  const lines = await prisma.invoiceLine.findMany({
    where: { tenantId: range.tenantId, kind: 'usage', currency, periodStart: { not: null, lt: end }, invoice: { status: { in: [...FINALIZED] }, subscriptionId: { not: null } } },
    select: { amount: true, periodStart: true, periodEnd: true, invoice: { select: { subscriptionId: true, subscription: { select: { billingAnchor: true, intervalUnit: true, intervalCount: true } } } } },
  });
  const periods = new Map<string, { subscriptionId: string; from: number; to: number; amount: bigint; interval: BillingInterval }>();
  for (const line of lines) {
    const subscription = line.invoice.subscription;
    const subscriptionId = line.invoice.subscriptionId;
    if (subscription === null || subscriptionId === null || line.periodStart === null) continue;
    const interval = { unit: subscription.intervalUnit, count: subscription.intervalCount };
    const at = line.periodStart.getTime();
    // A stub before the anchor is its own period.
    const period = at >= subscription.billingAnchor.getTime() ? periodContaining({ anchor: subscription.billingAnchor.getTime(), interval }, at) : { start: at, end: line.periodEnd?.getTime() ?? at };
    const key = `${subscriptionId}:${period.start}`;
    const entry = periods.get(key) ?? { subscriptionId, from: period.start, to: period.end, amount: 0n, interval };
    entry.amount += line.amount;
    periods.set(key, entry);
  }
  // A period's run rate lasts until the next invoiced period of the subscription starts: the open
  // period carries the last known usage (it is not a churn before its usage is invoiced).
  const ordered = [...periods.values()].sort((a, b) => (a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : a.from - b.from));
  return ordered.map(({ subscriptionId, from, amount, interval }, index) => {
    const next = ordered[index + 1];
    const to = next !== undefined && next.subscriptionId === subscriptionId ? next.from : Number.MAX_SAFE_INTEGER;
    return { subscriptionId, from, to, mrr: monthlyMinorUnits(amount, interval) };
  });
}

async function receivables(prisma: Db, range: AnalyticsRange, currency: string, end: Date): Promise<ReceivableInvoice[]> {
  const invoices = await prisma.invoice.findMany({
    where: { tenantId: range.tenantId, currency, finalizedAt: { not: null, lt: end } },
    select: {
      total: true,
      amountDue: true,
      finalizedAt: true,
      voidedAt: true,
      paidAt: true,
      markedUncollectibleAt: true,
      paymentAttempts: { select: { status: true, amount: true, createdAt: true, completedAt: true } },
    },
  });
  return invoices.map((invoice) => {
    const failures = invoice.paymentAttempts.filter((attempt) => FAILED.has(attempt.status)).map((attempt) => attempt.createdAt.getTime());
    return {
      total: invoice.total,
      amountDue: invoice.amountDue,
      finalizedAt: invoice.finalizedAt?.getTime() ?? 0,
      voidedAt: invoice.voidedAt?.getTime() ?? null,
      paidAt: invoice.paidAt?.getTime() ?? null,
      uncollectibleAt: invoice.markedUncollectibleAt?.getTime() ?? null,
      payments: invoice.paymentAttempts
        .filter((attempt) => attempt.status === 'succeeded')
        .map((attempt) => ({ at: (attempt.completedAt ?? attempt.createdAt).getTime(), amount: attempt.amount })),
      firstFailureAt: failures.length === 0 ? null : Math.min(...failures),
    };
  });
}

/**
 * MRR, its movements, churn, retention and receivables per bucket and currency, replayed from the
 * MRR history and the invoices, so a past month reads the same whatever has happened since.
 */
export async function getMrrAnalytics(
  prisma: Db,
  input: AnalyticsRangeInput,
): Promise<MrrAnalyticsView> {
  const range = parseAnalyticsRange(input);
  const end = new Date(range.boundaries.at(-1) ?? 0);
  const currencies = await reportCurrencies(prisma, range, end);
  const series = [];
  for (const currency of currencies) {
    const [history, usage, invoices] = await Promise.all([
      recurringHistory(prisma, range, currency, end),
      range.usage === 'include' ? usageRunRates(prisma, range, currency, end) : Promise.resolve([]),
      receivables(prisma, range, currency, end),
    ]);
    const buckets = mrrBuckets(mrrPoints(history, usage), range.boundaries);
    const money = receivablesByBucket(invoices, range.boundaries);
    series.push({
      currency,
      buckets: buckets.map((bucket, index) => {
        const metrics = mrrMetrics(bucket, { monthly: range.interval === 'month' });
        const cash = money[index] ?? { invoiced: 0n, collected: 0n, outstanding: 0n, pastDue: 0n };
        const m = bucket.movements;
        return {
          ...bucketDays(bucket.start, bucket.end),
          openingMrr: Number(bucket.openingMrr),
          closingMrr: Number(bucket.closingMrr),
          arr: Number(metrics.arr),
          movements: { new: Number(m.new), expansion: Number(m.expansion), contraction: Number(m.contraction), churn: Number(m.churn), reactivation: Number(m.reactivation) },
          netChange: Number(bucket.closingMrr - bucket.openingMrr),
          customers: bucket.customers,
          arpu: metrics.arpu === null ? null : Number(metrics.arpu),
          subscriberChurnRate: metrics.subscriberChurnRate,
          revenueChurnRate: metrics.revenueChurnRate,
          netRevenueRetention: metrics.netRevenueRetention,
          ltv: metrics.ltv === null ? null : Number(metrics.ltv),
          invoiced: Number(cash.invoiced),
          collected: Number(cash.collected),
          outstanding: Number(cash.outstanding),
          pastDue: Number(cash.pastDue),
        };
      }),
    });
  }
  return { object: 'mrr_analytics', from: range.from, to: range.to, interval: range.interval, usage: range.usage, series };
}
