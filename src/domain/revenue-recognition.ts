import { allocateMinorUnits } from './allocation.js';
import { DomainError } from './errors.js';

const DAY_MS = 86_400_000;

/** One UTC day's share of a line's amount. */
export interface RecognitionShare {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Minor units recognised on that day (negative for a credit line). */
  amount: bigint;
}

export interface RecognisableLine {
  /** Minor units: a proration credit or a discount is negative. */
  amount: bigint;
  /** Epoch ms: the service period the line pays for, `[periodStart, periodEnd)`. */
  periodStart: number;
  periodEnd: number;
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * A line's amount recognised over its service period, one share per UTC day the period touches,
 * weighted by the milliseconds of the period inside that day (a period starting at noon gives its
 * first day half a day's weight). The shares are allocated by largest remainder, so they sum
 * exactly to the line and each is within one minor unit of its exact share. A line with no
 * period length (a one-off charge) is recognised whole on its day.
 */
export function recognitionSchedule(line: RecognisableLine): RecognitionShare[] {
  if (!Number.isSafeInteger(line.periodStart) || !Number.isSafeInteger(line.periodEnd) || line.periodEnd < line.periodStart) {
    throw new DomainError('invalid_period', 'A line is recognised over [periodStart, periodEnd): whole epoch milliseconds, the end not before the start', {
      periodStart: line.periodStart,
      periodEnd: line.periodEnd,
    });
  }
  if (line.periodEnd === line.periodStart || line.amount === 0n) return [{ day: dayOf(line.periodStart), amount: line.amount }];
  const days: string[] = [];
  const weights: bigint[] = [];
  for (let dayStart = Math.floor(line.periodStart / DAY_MS) * DAY_MS; dayStart < line.periodEnd; dayStart += DAY_MS) {
    const from = Math.max(dayStart, line.periodStart);
    const to = Math.min(dayStart + DAY_MS, line.periodEnd);
    days.push(dayOf(dayStart));
    weights.push(BigInt(to - from));
  }
  const shares = allocateMinorUnits(line.amount, weights);
  return days.map((day, index) => ({ day, amount: shares[index] ?? 0n }));
}

/** What the lines have recognised by the end of `day` (inclusive), and what is still deferred. */
export function recognitionAsOf(schedules: ReadonlyArray<readonly RecognitionShare[]>, day: string): { recognised: bigint; deferred: bigint } {
  let recognised = 0n;
  let deferred = 0n;
  for (const schedule of schedules) {
    for (const share of schedule) {
      if (share.day <= day) recognised += share.amount;
      else deferred += share.amount;
    }
  }
  return { recognised, deferred };
}

/** A finalized line: recognised over its period, but nothing of it before it was invoiced. */
export interface InvoicedLine extends RecognisableLine {
  /** Epoch ms the invoice (or credit note) was issued. */
  invoicedAt: number;
}

export interface RevenueBucket {
  /** Line amounts issued in the bucket. */
  invoiced: bigint;
  /** Revenue recognised in the bucket (a line issued after part of its period catches up on issue). */
  recognised: bigint;
  /** At the bucket's last day: recognised so far, and still deferred, of everything issued by then. */
  recognisedToDate: bigint;
  deferred: bigint;
}

interface ScheduledLine {
  invoicedDay: string;
  shares: RecognitionShare[];
}

function scheduled(lines: readonly InvoicedLine[]): ScheduledLine[] {
  return lines.map((line) => ({ invoicedDay: dayOf(line.invoicedAt), shares: recognitionSchedule(line) }));
}

/** Recognised and deferred as of the end of `day`, of the lines issued by then. */
function positionAt(lines: readonly ScheduledLine[], day: string): { recognised: bigint; deferred: bigint } {
  return recognitionAsOf(
    lines.filter((line) => line.invoicedDay <= day).map((line) => line.shares),
    day,
  );
}

/**
 * Revenue per bucket `[boundaries[i], boundaries[i + 1])` (UTC midnights): a line counts from the
 * day it was issued, so recognised-to-date + deferred = everything issued by that day, exactly.
 */
export function revenueByBucket(lines: readonly InvoicedLine[], boundaries: readonly number[]): RevenueBucket[] {
  const all = scheduled(lines);
  const buckets: RevenueBucket[] = [];
  for (let i = 0; i + 1 < boundaries.length; i += 1) {
    const start = boundaries[i] ?? 0;
    const end = boundaries[i + 1] ?? 0;
    const firstDay = dayOf(start);
    const lastDay = dayOf(end - 1);
    const opening = positionAt(all, dayOf(start - 1));
    const closing = positionAt(all, lastDay);
    const invoiced = all.filter((line) => line.invoicedDay >= firstDay && line.invoicedDay <= lastDay).reduce((sum, line) => sum + line.shares.reduce((s, share) => s + share.amount, 0n), 0n);
    buckets.push({ invoiced, recognised: closing.recognised - opening.recognised, recognisedToDate: closing.recognised, deferred: closing.deferred });
  }
  return buckets;
}

/** One row of the waterfall: what the lines issued in `month` recognise in each month. */
export interface WaterfallRow {
  /** `YYYY-MM`. */
  month: string;
  invoiced: bigint;
  /** Per month of the report, in order. */
  recognised: bigint[];
  /** Recognised after the report's last month. */
  later: bigint;
}

/**
 * The revenue waterfall over `months` (`YYYY-MM`, ascending): a row per month lines were issued
 * in, a column per month their revenue is recognised in (a share whose day is before the issue
 * day is recognised on the issue day, as `revenueByBucket` does).
 */
export function revenueWaterfall(lines: readonly InvoicedLine[], months: readonly string[]): WaterfallRow[] {
  const last = months.at(-1) ?? '';
  const rows = new Map(months.map((month) => [month, { month, invoiced: 0n, recognised: months.map(() => 0n), later: 0n }]));
  for (const line of scheduled(lines)) {
    const row = rows.get(line.invoicedDay.slice(0, 7));
    if (row === undefined) continue;
    for (const share of line.shares) {
      row.invoiced += share.amount;
      const month = (share.day < line.invoicedDay ? line.invoicedDay : share.day).slice(0, 7);
      if (month > last) row.later += share.amount;
      else {
        const column = months.indexOf(month);
        if (column >= 0) row.recognised[column] = (row.recognised[column] ?? 0n) + share.amount;
      }
    }
  }
  return [...rows.values()];
}
