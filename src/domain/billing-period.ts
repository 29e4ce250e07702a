import { DomainError } from './errors.js';
import { MS_PER_DAY, toInstant } from './instant.js';
import type { Instant, InstantInput } from './instant.js';

/** The calendar unit a subscription renews by. */
export type IntervalUnit = 'day' | 'week' | 'month' | 'year';

/** `count` units per period: `{ unit: 'month', count: 3 }` is quarterly. */
export interface BillingInterval {
  readonly unit: IntervalUnit;
  readonly count: number;
}

/** A subscription's billing cycle: period n starts at anchor + n × interval. */
export interface BillingSchedule {
  readonly anchor: InstantInput;
  readonly interval: BillingInterval;
}

/** Period `index` (0 = the one starting at the anchor), half-open: start ≤ t < end. */
export interface BillingPeriod {
  readonly index: number;
  readonly start: Instant;
  readonly end: Instant;
}

const INTERVAL_UNITS: readonly IntervalUnit[] = ['day', 'week', 'month', 'year'];

export function assertInterval(interval: BillingInterval): void {
  if (
    typeof interval !== 'object' ||
    interval === null ||
    !INTERVAL_UNITS.includes(interval.unit) ||
    !Number.isSafeInteger(interval.count) ||
    interval.count < 1
  ) {
    throw new DomainError('invalid_interval', 'An interval is { unit: day|week|month|year, count: positive integer }', {
      interval,
    });
  }
}

/** Whether two intervals describe the same cycle (same unit and count). */
export function intervalsEqual(a: BillingInterval, b: BillingInterval): boolean {
  return a.unit === b.unit && a.count === b.count;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function monthsPerInterval(interval: BillingInterval): number {
  return interval.unit === 'year' ? 12 * interval.count : interval.count;
}

/**
 * `origin` plus `times` intervals, in UTC. Month and year steps keep the origin's day of month
 * and time of day, clamped to the target month's length: Jan 31 + 1 month = Feb 28 (Feb 29 in a
 * leap year), + 2 months = Mar 31. Because the result is computed from the origin and never from
 * a previous result, clamping never drifts (chaining would give Jan 31 → Feb 28 → Mar 28).
 */
export function addInterval(origin: InstantInput, interval: BillingInterval, times = 1): Instant {
  if (!Number.isSafeInteger(times) || times < 0) {
    throw new DomainError('invalid_interval', `times must be a non-negative integer, got ${String(times)}`, { times });
  }
  return shiftByIntervals(origin, interval, times);
}

/**
 * `origin` minus `times` intervals, with the same clamping: Mar 31 − 1 month = Feb 28, and
 * Jan 31 − 1 month = Dec 31. The start of a stub period's full-length period (see {@link stubPeriod}).
 */
export function subtractInterval(origin: InstantInput, interval: BillingInterval, times = 1): Instant {
  if (!Number.isSafeInteger(times) || times < 0) {
    throw new DomainError('invalid_interval', `times must be a non-negative integer, got ${String(times)}`, { times });
  }
  return shiftByIntervals(origin, interval, -times);
}

function shiftByIntervals(origin: InstantInput, interval: BillingInterval, times: number): Instant {
  assertInterval(interval);
  const start = toInstant(origin, 'origin');
  if (interval.unit === 'day' || interval.unit === 'week') {
    const days = interval.count * times * (interval.unit === 'week' ? 7 : 1);
    return toInstant(start + days * MS_PER_DAY, 'result');
  }
  const date = new Date(start);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const timeOfDay = start - Date.UTC(year, month, day);
  const totalMonths = month + monthsPerInterval(interval) * times;
  const targetYear = year + Math.floor(totalMonths / 12);
  const targetMonth = ((totalMonths % 12) + 12) % 12;
  const clampedDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return toInstant(Date.UTC(targetYear, targetMonth, clampedDay) + timeOfDay, 'result');
}

/**
 * Start of period `index`: anchor + index × interval (also the end of period index − 1). Index
 * −1 is the period that ends at the anchor, which a stub period is a part of.
 */
export function periodBoundary(schedule: BillingSchedule, index: number): Instant {
  return index < 0 ? subtractInterval(schedule.anchor, schedule.interval, -index) : addInterval(schedule.anchor, schedule.interval, index);
}

/** Period `index` of the schedule. */
export function billingPeriod(schedule: BillingSchedule, index: number): BillingPeriod {
  return { index, start: periodBoundary(schedule, index), end: periodBoundary(schedule, index + 1) };
}

/** The period with start ≤ at < end. Instants before the anchor are `instant_before_anchor`. */
export function periodContaining(schedule: BillingSchedule, at: InstantInput): BillingPeriod {
  assertInterval(schedule.interval);
  const anchor = toInstant(schedule.anchor, 'anchor');
  const instant = toInstant(at, 'at');
  if (instant < anchor) {
    throw new DomainError('instant_before_anchor', 'The instant is before the billing anchor', {
      anchor,
      at: instant,
    });
  }
  let index: number;
  const { interval } = schedule;
  if (interval.unit === 'day' || interval.unit === 'week') {
    const periodMs = interval.count * (interval.unit === 'week' ? 7 : 1) * MS_PER_DAY;
    index = Math.floor((instant - anchor) / periodMs);
  } else {
    const a = new Date(anchor);
    const t = new Date(instant);
    const months = (t.getUTCFullYear() - a.getUTCFullYear()) * 12 + (t.getUTCMonth() - a.getUTCMonth());
    index = Math.max(0, Math.floor(months / monthsPerInterval(interval)));
    while (index > 0 && periodBoundary(schedule, index) > instant) {
      index -= 1;
    }
    while (periodBoundary(schedule, index + 1) <= instant) {
      index += 1;
    }
  }
  return billingPeriod(schedule, index);
}

/** Every period overlapping [from, to), in order. */
export function periodsBetween(schedule: BillingSchedule, from: InstantInput, to: InstantInput): BillingPeriod[] {
  const start = toInstant(from, 'from');
  const end = toInstant(to, 'to');
  if (end < start) {
    throw new DomainError('invalid_period', '`to` is before `from`', { from: start, to: end });
  }
  const anchor = toInstant(schedule.anchor, 'anchor');
  const periods: BillingPeriod[] = [];
  let period = periodContaining(schedule, Math.max(start, anchor));
  while (period.start < end) {
    periods.push(period);
    period = billingPeriod(schedule, period.index + 1);
  }
  return periods;
}

/** How many whole periods have ended at or before `at` (0 until the first renewal). */
export function completedPeriodCount(schedule: BillingSchedule, at: InstantInput): number {
  const anchor = toInstant(schedule.anchor, 'anchor');
  const instant = toInstant(at, 'at');
  return instant < anchor ? 0 : periodContaining(schedule, instant).index;
}

/**
 * When a trial that starts at `start` ends: `start` plus one `trial` interval, with the same
 * month-end clamping as periods (a one-month trial from Jan 31 ends Feb 28/29). Stripe's
 * `trial_period_days: 14` is `{ unit: 'day', count: 14 }`. The trial end usually becomes the
 * billing anchor of the first paid period.
 */
export function trialEnd(start: InstantInput, trial: BillingInterval): Instant {
  return addInterval(start, trial, 1);
}

/**
 * A subscription that starts at `start` with its cycle aligned to `anchor` (Stripe's
 * `billing_cycle_anchor`) first runs a stub period from `start` to `anchor`, priced as the part
 * of the full period that ends at the anchor (period −1 of the anchor's schedule), then full
 * periods from the anchor. Null when the anchor is the start (no stub). As in Stripe, the anchor
 * may not be later than the start's natural next renewal (start + one interval).
 */
export interface StubPeriod {
  readonly start: Instant;
  readonly end: Instant;
  /** Period −1 of the anchor's schedule: the stub is its tail, and is prorated against it. */
  readonly fullPeriod: BillingPeriod;
}

export function stubPeriod(start: InstantInput, anchor: InstantInput, interval: BillingInterval): StubPeriod | null {
  const from = toInstant(start, 'start');
  const to = toInstant(anchor, 'anchor');
  if (to === from) return null;
  const fullPeriod = billingPeriod({ anchor: to, interval }, -1);
  if (to < from || to > addInterval(from, interval) || fullPeriod.start > from) {
    throw new DomainError('invalid_billing_cycle_anchor', 'The billing cycle anchor must be after the start and no later than one interval after it', {
      start: from,
      anchor: to,
      latest: addInterval(from, interval),
    });
  }
  return { start: from, end: to, fullPeriod };
}
