import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recognitionAsOf, recognitionSchedule, revenueByBucket, revenueWaterfall } from '../../../src/domain/index.js';

const utc = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h);
const DAY = 86_400_000;

describe('recognitionSchedule', () => {
  it('spreads a month over its days: 3000 over April\'s 30 days is 100 a day', () => {
    const schedule = recognitionSchedule({ amount: 3000n, periodStart: utc(2030, 4, 1), periodEnd: utc(2030, 5, 1) });
    expect(schedule).toHaveLength(30);
    expect(schedule[0]).toEqual({ day: '2030-04-01', amount: 100n });
    expect(schedule.at(-1)).toEqual({ day: '2030-04-30', amount: 100n });
    expect(schedule.every((share) => share.amount === 100n)).toBe(true);
  });

  it('allocates what does not divide by largest remainder: 1000 over 15 days is ten days of 67 and five of 66', () => {
    // 1000 / 15 = 66.67: 15 × 66 = 990, the 10 left go one each to the first ten (equal remainders, earlier first).
    const schedule = recognitionSchedule({ amount: 1000n, periodStart: utc(2030, 4, 16), periodEnd: utc(2030, 5, 1) });
    expect(schedule.map((share) => share.amount)).toEqual([...Array.from({ length: 10 }, () => 67n), ...Array.from({ length: 5 }, () => 66n)]);
  });

  it('weights a partial first and last day by the hours in them: noon to noon over two days is ¼, ½, ¼', () => {
    // 12 h of Apr 1, 24 h of Apr 2, 12 h of Apr 3: 400 × 12/48, 400 × 24/48, 400 × 12/48.
    expect(recognitionSchedule({ amount: 400n, periodStart: utc(2030, 4, 1, 12), periodEnd: utc(2030, 4, 3, 12) })).toEqual([
      { day: '2030-04-01', amount: 100n },
      { day: '2030-04-02', amount: 200n },
      { day: '2030-04-03', amount: 100n },
    ]);
  });

  it('recognises a credit as negative shares, and a one-off charge whole on its day', () => {
    expect(recognitionSchedule({ amount: -300n, periodStart: utc(2030, 4, 1), periodEnd: utc(2030, 4, 4) }).map((s) => s.amount)).toEqual([-100n, -100n, -100n]);
    expect(recognitionSchedule({ amount: 2500n, periodStart: utc(2030, 4, 7, 9), periodEnd: utc(2030, 4, 7, 9) })).toEqual([{ day: '2030-04-07', amount: 2500n }]);
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => recognitionSchedule({ amount: 1n, periodStart: utc(2030, 4, 2), periodEnd: utc(2030, 4, 1) })).toThrow(/periodStart/);
  });
});

const line = fc
  .record({
    amount: fc.bigInt({ min: -10_000_000n, max: 10_000_000n }),
    start: fc.integer({ min: utc(2030, 1, 1), max: utc(2031, 1, 1) }),
    length: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 * DAY })),
  })
  .map(({ amount, start, length }) => ({ amount, periodStart: start, periodEnd: start + length }));

describe('recognition (properties)', () => {
  it('the shares of any line sum to it exactly, each within one minor unit of its exact share of the period', () => {
    fc.assert(
      fc.property(line, (l) => {
        const schedule = recognitionSchedule(l);
        expect(schedule.reduce((sum, share) => sum + share.amount, 0n)).toBe(l.amount);
        if (l.periodEnd > l.periodStart) {
          const length = BigInt(l.periodEnd - l.periodStart);
          for (const share of schedule) {
            const dayStart = Date.parse(`${share.day}T00:00:00Z`);
            const inside = BigInt(Math.min(dayStart + DAY, l.periodEnd) - Math.max(dayStart, l.periodStart));
            // |share × length − amount × inside| < length: within one minor unit of amount × inside / length.
            const error = share.amount * length - l.amount * inside;
            expect(error < 0n ? -error : error).toBeLessThan(length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('for any set of lines, recognised + deferred = invoiced at every date, all deferred before and all recognised after', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.integer({ min: utc(2029, 12, 1), max: utc(2032, 3, 1) }), (lines, at) => {
        const schedules = lines.map(recognitionSchedule);
        const invoiced = lines.reduce((sum, l) => sum + l.amount, 0n);
        const { recognised, deferred } = recognitionAsOf(schedules, new Date(at).toISOString().slice(0, 10));
        expect(recognised + deferred).toBe(invoiced);
        expect(recognitionAsOf(schedules, '2029-01-01')).toEqual({ recognised: 0n, deferred: invoiced });
        expect(recognitionAsOf(schedules, '2033-01-01')).toEqual({ recognised: invoiced, deferred: 0n });
      }),
      { numRuns: 300 },
    );
  });

  it('a charge is recognised monotonically: never less by a later day', () => {
    fc.assert(
      fc.property(line.filter((l) => l.amount >= 0n), fc.integer({ min: 0, max: 500 }), (l, offset) => {
        const schedule = [recognitionSchedule(l)];
        const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        const earlier = recognitionAsOf(schedule, day(l.periodStart + offset * DAY)).recognised;
        const later = recognitionAsOf(schedule, day(l.periodStart + (offset + 1) * DAY)).recognised;
        expect(later >= earlier).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('revenueByBucket and revenueWaterfall', () => {
  // An annual 36500 invoiced on 1 Jan 2030 (100 a day over 365 days) and a June usage line of 3000
  // invoiced on 1 July for 1–30 June (100 a day, all recognised on 1 July when it is issued).
  const annual = { amount: 36_500n, periodStart: utc(2030, 1, 1), periodEnd: utc(2031, 1, 1), invoicedAt: utc(2030, 1, 1, 8) };
  const usage = { amount: 3000n, periodStart: utc(2030, 6, 1), periodEnd: utc(2030, 7, 1), invoicedAt: utc(2030, 7, 1, 2) };
  const months = [utc(2030, 1, 1), utc(2030, 2, 1), utc(2030, 3, 1), utc(2030, 4, 1), utc(2030, 5, 1), utc(2030, 6, 1), utc(2030, 7, 1), utc(2030, 8, 1)];

  it('recognises by day, and a line issued after its period catches up on its issue day', () => {
    const buckets = revenueByBucket([annual, usage], months);
    // January: 31 days × 100 = 3100 recognised, 36500 − 3100 = 33400 deferred.
    expect(buckets[0]).toEqual({ invoiced: 36_500n, recognised: 3100n, recognisedToDate: 3100n, deferred: 33_400n });
    // February: 28 × 100 = 2800; to date 5900; deferred 30600.
    expect(buckets[1]).toEqual({ invoiced: 0n, recognised: 2800n, recognisedToDate: 5900n, deferred: 30_600n });
    // June: 30 × 100 of the annual line only (the usage line is not issued yet): to date Jan–Jun 181 days = 18100.
    expect(buckets[5]).toEqual({ invoiced: 0n, recognised: 3000n, recognisedToDate: 18_100n, deferred: 18_400n });
    // July: 31 × 100 of the annual line + all 3000 of June's usage on 1 July = 6100; to date 18100 + 6100 = 24200;
    // deferred: the annual line's Aug–Dec 153 days = 15300.
    expect(buckets[6]).toEqual({ invoiced: 3000n, recognised: 6100n, recognisedToDate: 24_200n, deferred: 15_300n });
  });

  it('lays the same lines out as a waterfall by month issued and month recognised', () => {
    const labels = ['2030-01', '2030-02', '2030-03', '2030-04', '2030-05', '2030-06', '2030-07'];
    const rows = revenueWaterfall([annual, usage], labels);
    // The January row: 3100, 2800, 3100, 3000, 3100, 3000, 3100 by month (days × 100), later = Aug–Dec 15300.
    expect(rows[0]).toEqual({ month: '2030-01', invoiced: 36_500n, recognised: [3100n, 2800n, 3100n, 3000n, 3100n, 3000n, 3100n], later: 15_300n });
    // The July row: June's usage, all in July (issued then).
    expect(rows[6]).toEqual({ month: '2030-07', invoiced: 3000n, recognised: [0n, 0n, 0n, 0n, 0n, 0n, 3000n], later: 0n });
  });

  const issued = fc
    .record({
      amount: fc.bigInt({ min: -10_000_000n, max: 10_000_000n }),
      start: fc.integer({ min: utc(2030, 1, 1), max: utc(2031, 1, 1) }),
      length: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 * DAY })),
      issuedOffset: fc.integer({ min: -60 * DAY, max: 60 * DAY }),
    })
    .map(({ amount, start, length, issuedOffset }) => ({ amount, periodStart: start, periodEnd: start + length, invoicedAt: start + issuedOffset }));

  it('for any lines and buckets: recognised to date + deferred = issued to date, buckets chain, and each waterfall row adds up', () => {
    fc.assert(
      fc.property(fc.array(issued, { maxLength: 8 }), fc.integer({ min: 1, max: 14 }), (lines, monthCount) => {
        const bounds = Array.from({ length: monthCount + 1 }, (_, i) => Date.UTC(2029, 11 + i, 1));
        const buckets = revenueByBucket(lines, bounds);
        // Issued before the first bucket (a UTC midnight): its opening position.
        const first = bounds[0] ?? 0;
        const earlier = lines.filter((l) => l.invoicedAt < first);
        let issuedToDate = earlier.reduce((s, l) => s + l.amount, 0n);
        let previous = recognitionAsOf(earlier.map(recognitionSchedule), new Date(first - 1).toISOString().slice(0, 10)).recognised;
        for (const bucket of buckets) {
          issuedToDate += bucket.invoiced;
          expect(bucket.recognisedToDate + bucket.deferred).toBe(issuedToDate);
          expect(bucket.recognisedToDate - previous).toBe(bucket.recognised);
          previous = bucket.recognisedToDate;
        }
        const labels = bounds.slice(0, -1).map((b) => new Date(b).toISOString().slice(0, 7));
        for (const row of revenueWaterfall(lines, labels)) {
          expect(row.recognised.reduce((s, a) => s + a, 0n) + row.later).toBe(row.invoiced);
        }
      }),
      { numRuns: 200 },
    );
  });
});
