import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addInterval,
  billingPeriod,
  completedPeriodCount,
  instantToIso,
  periodBoundary,
  periodContaining,
  periodsBetween,
  toInstant,
  trialEnd,
} from '../../../src/domain/index.js';
import type { BillingInterval, BillingSchedule } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const iso = (value: number): string => instantToIso(value);
const day = (value: number): string => iso(value).slice(0, 10);

describe('billing periods', () => {
  it('Jan 31 monthly anchor over two years, leap year included (every period end listed)', () => {
    const schedule: BillingSchedule = { anchor: '2024-01-31T00:00:00Z', interval: { unit: 'month', count: 1 } };
    // Clamped to each month's length, computed from the anchor (never from the previous end):
    // 2024 is a leap year (Feb 29), 2025 is not (Feb 28); March goes back to the 31st.
    const expectedEnds = [
      '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30', '2024-07-31',
      '2024-08-31', '2024-09-30', '2024-10-31', '2024-11-30', '2024-12-31', '2025-01-31',
      '2025-02-28', '2025-03-31', '2025-04-30', '2025-05-31', '2025-06-30', '2025-07-31',
      '2025-08-31', '2025-09-30', '2025-10-31', '2025-11-30', '2025-12-31', '2026-01-31',
    ];
    const periods = expectedEnds.map((_, index) => billingPeriod(schedule, index));
    expect(periods.map((period) => day(period.end))).toEqual(expectedEnds);
    expect(day(periods[0]?.start ?? 0)).toBe('2024-01-31');
    periods.forEach((period, index) => {
      expect(period.index).toBe(index);
      if (index > 0) {
        expect(period.start).toBe(periods[index - 1]?.end);
      }
    });
  });

  it('does not drift the way chaining would (Jan 31 → Feb 29 → Mar 31, not Mar 29)', () => {
    const anchor = '2024-01-31T12:30:00Z';
    const chained = addInterval(addInterval(anchor, { unit: 'month', count: 1 }), { unit: 'month', count: 1 });
    expect(iso(chained)).toBe('2024-03-29T12:30:00.000Z'); // what a chained implementation produces
    expect(iso(addInterval(anchor, { unit: 'month', count: 1 }, 2))).toBe('2024-03-31T12:30:00.000Z');
  });

  it('handles anchors on the 29th and 30th and yearly Feb 29 anchors', () => {
    const on30: BillingSchedule = { anchor: '2023-01-30T00:00:00Z', interval: { unit: 'month', count: 1 } };
    expect([1, 2, 3].map((n) => day(periodBoundary(on30, n)))).toEqual(['2023-02-28', '2023-03-30', '2023-04-30']);
    const on29: BillingSchedule = { anchor: '2023-01-29T00:00:00Z', interval: { unit: 'month', count: 1 } };
    expect([1, 2].map((n) => day(periodBoundary(on29, n)))).toEqual(['2023-02-28', '2023-03-29']);
    const leapYearly: BillingSchedule = { anchor: '2024-02-29T00:00:00Z', interval: { unit: 'year', count: 1 } };
    expect([1, 2, 3, 4].map((n) => day(periodBoundary(leapYearly, n)))).toEqual([
      '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29',
    ]);
  });

  it('supports day, week and multi-month counts', () => {
    expect(iso(addInterval('2024-01-01T00:00:00Z', { unit: 'day', count: 30 }))).toBe('2024-01-31T00:00:00.000Z');
    expect(iso(addInterval('2024-02-26T00:00:00Z', { unit: 'week', count: 1 }))).toBe('2024-03-04T00:00:00.000Z');
    // Quarterly from Nov 30: Feb 28 2025 (clamped), May 30, Aug 30.
    const quarterly: BillingSchedule = { anchor: '2024-11-30T00:00:00Z', interval: { unit: 'month', count: 3 } };
    expect([1, 2, 3].map((n) => day(periodBoundary(quarterly, n)))).toEqual(['2025-02-28', '2025-05-30', '2025-08-30']);
  });

  it('finds the period containing an instant, boundaries belonging to the next period', () => {
    const schedule: BillingSchedule = { anchor: '2024-01-31T00:00:00Z', interval: { unit: 'month', count: 1 } };
    const feb = periodContaining(schedule, '2024-02-15T10:00:00Z');
    expect([feb.index, day(feb.start), day(feb.end)]).toEqual([0, '2024-01-31', '2024-02-29']);
    const boundary = periodContaining(schedule, '2024-02-29T00:00:00Z');
    expect([boundary.index, day(boundary.start), day(boundary.end)]).toEqual([1, '2024-02-29', '2024-03-31']);
    const justBefore = periodContaining(schedule, toInstant('2024-02-29T00:00:00Z') - 1);
    expect(justBefore.index).toBe(0);
    expect(() => periodContaining(schedule, '2024-01-30T00:00:00Z')).toThrow(
      withCode('instant_before_anchor'),
    );
  });

  it('counts completed periods and lists periods between two instants', () => {
    const schedule: BillingSchedule = { anchor: '2024-01-15T00:00:00Z', interval: { unit: 'month', count: 1 } };
    expect(completedPeriodCount(schedule, '2024-01-10T00:00:00Z')).toBe(0);
    expect(completedPeriodCount(schedule, '2024-02-14T23:59:59Z')).toBe(0);
    expect(completedPeriodCount(schedule, '2024-02-15T00:00:00Z')).toBe(1);
    expect(completedPeriodCount(schedule, '2025-01-15T00:00:00Z')).toBe(12);
    const periods = periodsBetween(schedule, '2024-02-01T00:00:00Z', '2024-04-15T00:00:00Z');
    expect(periods.map((period) => day(period.start))).toEqual(['2024-01-15', '2024-02-15', '2024-03-15']);
  });

  it('computes trial ends with the same clamping', () => {
    expect(iso(trialEnd('2024-01-31T09:00:00Z', { unit: 'day', count: 14 }))).toBe('2024-02-14T09:00:00.000Z');
    expect(iso(trialEnd('2024-01-31T09:00:00Z', { unit: 'month', count: 1 }))).toBe('2024-02-29T09:00:00.000Z');
    expect(iso(trialEnd('2023-01-31T09:00:00Z', { unit: 'month', count: 1 }))).toBe('2023-02-28T09:00:00.000Z');
  });

  it('accepts Date and epoch millis, refuses zone-less date-times and bad intervals', () => {
    const fromDate = addInterval(new Date(Date.UTC(2024, 0, 31)), { unit: 'month', count: 1 });
    expect(fromDate).toBe(Date.UTC(2024, 1, 29));
    expect(() => toInstant('2024-01-31T00:00:00')).toThrow(withCode('invalid_instant'));
    expect(() => addInterval(0, { unit: 'month', count: 0 })).toThrow(withCode('invalid_interval'));
    expect(() => addInterval(0, { unit: 'fortnight' as never, count: 1 })).toThrow(
      withCode('invalid_interval'),
    );
  });

  it('periods are contiguous, clamped and findable for ten years from any anchor (property)', () => {
    const interval = fc.oneof(
      fc.record({ unit: fc.constant('day' as const), count: fc.integer({ min: 1, max: 120 }) }),
      fc.record({ unit: fc.constant('week' as const), count: fc.integer({ min: 1, max: 10 }) }),
      fc.record({ unit: fc.constant('month' as const), count: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ unit: fc.constant('year' as const), count: fc.integer({ min: 1, max: 3 }) }),
    );
    const anchor = fc
      .record({
        year: fc.integer({ min: 1999, max: 2040 }),
        month: fc.integer({ min: 0, max: 11 }),
        // Weighted towards the month-end days that break naive implementations.
        day: fc.oneof(fc.constantFrom(28, 29, 30, 31), fc.integer({ min: 1, max: 31 })),
        msOfDay: fc.integer({ min: 0, max: 86_399_999 }),
      })
      .map(({ year, month, day: dayOfMonth, msOfDay }) => {
        const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
        return { at: Date.UTC(year, month, Math.min(dayOfMonth, lastDay)) + msOfDay, dayOfMonth: Math.min(dayOfMonth, lastDay) };
      });
    fc.assert(
      fc.property(anchor, interval, fc.double({ min: 0, max: 1, noNaN: true }), (start, every: BillingInterval, probe) => {
        const schedule: BillingSchedule = { anchor: start.at, interval: every };
        const tenYearsLater = Date.UTC(new Date(start.at).getUTCFullYear() + 10, 0, 1);
        const anchorTimeOfDay = start.at % 86_400_000;
        let previousEnd = start.at;
        let index = 0;
        for (; ; index += 1) {
          const period = billingPeriod(schedule, index);
          expect(period.start).toBe(previousEnd); // no gap, no overlap
          expect(period.end).toBeGreaterThan(period.start);
          if (every.unit === 'month' || every.unit === 'year') {
            const end = new Date(period.end);
            const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
            expect(end.getUTCDate()).toBe(Math.min(start.dayOfMonth, lastDay)); // clamped, never drifted
            expect(period.end % 86_400_000).toBe(anchorTimeOfDay);
          } else {
            const days = every.count * (every.unit === 'week' ? 7 : 1);
            expect(period.end - period.start).toBe(days * 86_400_000);
          }
          previousEnd = period.end;
          if (period.end >= tenYearsLater) {
            break;
          }
        }
        const target = start.at + Math.floor(probe * (previousEnd - start.at - 1));
        const found = periodContaining(schedule, target);
        expect(found.start).toBeLessThanOrEqual(target);
        expect(found.end).toBeGreaterThan(target);
        expect(found).toEqual(billingPeriod(schedule, found.index));
      }),
      { numRuns: 150 },
    );
  });
});
