import { revenueByBucket, revenueWaterfall, toMajorString } from '../../domain/index.js';
import { moneyFromColumn } from '../amounts.js';
import type { Db } from '../db.js';
import { bucketDays, parseAnalyticsRange, type AnalyticsRangeInput } from './analytics-range.js';
import { reportCurrencies } from './report-currencies.js';
import { revenueLines } from './revenue-lines.js';
import type { RevenueAnalyticsView } from './views.js';

type RangeInput = Omit<AnalyticsRangeInput, 'usage'>;

/** Recognised and deferred revenue per bucket and currency (see `revenueLines` for what counts). */
export async function getRevenueAnalytics(prisma: Db, input: RangeInput): Promise<RevenueAnalyticsView> {
  const range = parseAnalyticsRange(input);
  const end = new Date(range.boundaries.at(-1) ?? 0);
  const series = [];
  for (const currency of await reportCurrencies(prisma, range, end)) {
    const buckets = revenueByBucket(await revenueLines(prisma, range.tenantId, currency, end), range.boundaries);
    series.push({
      currency,
      buckets: buckets.map((bucket, index) => ({
        ...bucketDays(range.boundaries[index] ?? 0, range.boundaries[index + 1] ?? 0),
        invoiced: Number(bucket.invoiced),
        recognised: Number(bucket.recognised),
        recognisedToDate: Number(bucket.recognisedToDate),
        deferred: Number(bucket.deferred),
      })),
    });
  }
  return { object: 'revenue_analytics', from: range.from, to: range.to, interval: range.interval, series };
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * The revenue waterfall as CSV, monthly whatever the interval asked: a row per currency and month
 * issued, a column per month recognised, `later` for what is recognised after the range. Amounts
 * in major units of the row's currency (exact decimals: 12.34 USD, 1234 JPY).
 */
export async function getRevenueWaterfallCsv(prisma: Db, input: RangeInput): Promise<{ csv: string; from: string; to: string }> {
  const range = parseAnalyticsRange({ ...input, interval: 'month' });
  const end = new Date(range.boundaries.at(-1) ?? 0);
  const months = range.boundaries.slice(0, -1).map((start) => new Date(start).toISOString().slice(0, 7));
  const rows = [['currency', 'invoiced_month', 'invoiced', ...months.map((month) => `recognised_${month}`), 'recognised_later'].join(',')];
  for (const currency of await reportCurrencies(prisma, range, end)) {
    const major = (amount: bigint) => toMajorString(moneyFromColumn(amount, currency));
    for (const row of revenueWaterfall(await revenueLines(prisma, range.tenantId, currency, end), months)) {
      rows.push([currency, row.month, major(row.invoiced), ...row.recognised.map(major), major(row.later)].map(csvCell).join(','));
    }
  }
  return { csv: `${rows.join('\n')}\n`, from: range.from, to: range.to };
}
