import { z } from 'zod';
import { minorUnits } from '../view-fields.js';

const day = z.string().describe('UTC date, YYYY-MM-DD');
const rate = z.number().nullable().describe('A fraction (0.25 = 25 %), six decimal places; null when its denominator is 0');

export const mrrBucketViewSchema = z.object({
  start: day.describe('First day of the bucket'),
  end: day.describe('Last day of the bucket (inclusive)'),
  openingMrr: minorUnits,
  closingMrr: minorUnits,
  arr: minorUnits.describe('closingMrr × 12'),
  movements: z
    .object({ new: minorUnits, expansion: minorUnits, contraction: minorUnits, churn: minorUnits, reactivation: minorUnits })
    .describe('contraction and churn are negative; the five sum to closingMrr − openingMrr'),
  netChange: minorUnits,
  customers: z.object({ opening: z.int(), closing: z.int(), new: z.int(), reactivated: z.int(), churned: z.int() }).describe('Paying customers (MRR > 0)'),
  arpu: minorUnits.nullable().describe('closingMrr ÷ closing customers'),
  subscriberChurnRate: rate.describe('churned customers ÷ opening customers'),
  revenueChurnRate: rate.describe('−(churn + contraction) ÷ openingMrr'),
  netRevenueRetention: rate.describe("the opening customers' closing MRR ÷ openingMrr"),
  ltv: minorUnits.nullable().describe('arpu ÷ revenueChurnRate; monthly buckets only, null when nothing churned'),
  invoiced: minorUnits.describe('Totals of the invoices finalized in the bucket (voided ones excluded)'),
  collected: minorUnits.describe('Payments received in the bucket'),
  outstanding: minorUnits.describe('Owed on finalized invoices at the end of the bucket'),
  pastDue: minorUnits.describe('The part of outstanding whose collection has failed at least once'),
});

export const mrrAnalyticsViewSchema = z.object({
  object: z.literal('mrr_analytics'),
  from: day,
  to: day,
  interval: z.enum(['day', 'month']),
  usage: z.enum(['exclude', 'include']),
  series: z.array(z.object({ currency: z.string(), buckets: z.array(mrrBucketViewSchema) })).describe('One series per currency, never summed across currencies'),
});
export type MrrAnalyticsView = z.infer<typeof mrrAnalyticsViewSchema>;

export const revenueBucketViewSchema = z.object({
  start: day,
  end: day,
  invoiced: minorUnits.describe('Line amounts (tax excluded, discounts and credit notes included) issued in the bucket'),
  recognised: minorUnits.describe('Revenue recognised in the bucket'),
  recognisedToDate: minorUnits,
  deferred: minorUnits.describe('Issued but not yet recognised, at the end of the bucket'),
});

export const revenueAnalyticsViewSchema = z.object({
  object: z.literal('revenue_analytics'),
  from: day,
  to: day,
  interval: z.enum(['day', 'month']),
  series: z.array(z.object({ currency: z.string(), buckets: z.array(revenueBucketViewSchema) })),
});
export type RevenueAnalyticsView = z.infer<typeof revenueAnalyticsViewSchema>;
