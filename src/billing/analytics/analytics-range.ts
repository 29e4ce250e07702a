import { z } from 'zod';
import { currencySchema, idSchema, parseInput } from '../validation.js';

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;
const MAX_MONTHS = 120;

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A UTC date, YYYY-MM-DD')
  .refine((value) => new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value, 'Not a calendar date');

/** A report's range: whole UTC days `from` to `to` inclusive, in day or calendar-month buckets. */
export const analyticsRangeFields = {
  tenantId: idSchema,
  /** Defaults: to = today; from = the first of the month eleven months before (12 monthly buckets) or 29 days before (30 daily). */
  from: day.optional(),
  to: day.optional(),
  /** The UTC date the defaults count from. */
  today: day,
  interval: z.enum(['day', 'month']).default('month'),
  currency: currencySchema.optional(),
  /** MRR only: whether invoiced usage counts (see the README's Analytics section). */
  usage: z.enum(['exclude', 'include']).default('exclude'),
};

export type AnalyticsInterval = 'day' | 'month';

/** What a report is asked with: query parameters as given, and today's UTC date. */
export interface AnalyticsRangeInput {
  tenantId: string;
  today: string;
  from?: string | undefined;
  to?: string | undefined;
  interval?: string | undefined;
  currency?: string | undefined;
  usage?: string | undefined;
}

export interface AnalyticsRange {
  tenantId: string;
  from: string;
  to: string;
  interval: AnalyticsInterval;
  currency: string | undefined;
  usage: 'exclude' | 'include';
  /** Bucket i is `[boundaries[i], boundaries[i + 1])`, epoch ms at UTC midnights. */
  boundaries: number[];
}

const midnight = (value: string) => Date.parse(`${value}T00:00:00Z`);

/** Bucket starts from `from` to the day after `to`: every day, or each calendar month (the first and last may be partial). */
export function bucketBoundaries(from: string, to: string, interval: AnalyticsInterval): number[] {
  const start = midnight(from);
  const end = midnight(to) + DAY_MS;
  const boundaries = [start];
  let next = start;
  for (;;) {
    const at = new Date(next);
    next = interval === 'day' ? next + DAY_MS : Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
    if (next >= end) break;
    boundaries.push(next);
  }
  boundaries.push(end);
  return boundaries;
}

/** The range asked for, its missing ends filled in from today. */
function withDefaults(value: { from?: string | undefined; to?: string | undefined; today: string; interval: AnalyticsInterval }): { from: string; to: string } {
  const to = value.to ?? value.today;
  if (value.from !== undefined) return { from: value.from, to };
  const end = new Date(midnight(to));
  const from = value.interval === 'day' ? new Date(end.getTime() - 29 * DAY_MS) : new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 1));
  return { from: from.toISOString().slice(0, 10), to };
}

const rangeSchema = z.object(analyticsRangeFields).superRefine((value, context) => {
  const range = withDefaults(value);
  const from = midnight(range.from);
  const to = midnight(range.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return;
  if (to < from) {
    context.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    return;
  }
  const count = bucketBoundaries(range.from, range.to, value.interval).length - 1;
  const limit = value.interval === 'day' ? MAX_DAYS : MAX_MONTHS;
  if (count > limit) context.addIssue({ code: 'custom', path: ['to'], message: `At most ${limit} ${value.interval} buckets in one report (asked for ${count})` });
});

/** Parses and bounds a range: `to` not before `from`, at most 366 daily or 120 monthly buckets; every bad field listed. */
export function parseAnalyticsRange(input: AnalyticsRangeInput): AnalyticsRange {
  const parsed = parseInput(rangeSchema, input);
  const { from, to } = withDefaults(parsed);
  return { tenantId: parsed.tenantId, from, to, interval: parsed.interval, currency: parsed.currency, usage: parsed.usage, boundaries: bucketBoundaries(from, to, parsed.interval) };
}

/** A bucket's bounds as the API shows them: its first and last UTC day. */
export function bucketDays(start: number, end: number): { start: string; end: string } {
  return { start: new Date(start).toISOString().slice(0, 10), end: new Date(end - 1).toISOString().slice(0, 10) };
}
