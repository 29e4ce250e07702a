import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recognitionAsOf, recognitionSchedule } from '../../../src/domain/index.js';

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
