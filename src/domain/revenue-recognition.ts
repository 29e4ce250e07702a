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
