import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  classifyChange,
  computeProration,
  instantToIso,
  prorateCancellation,
  prorationFraction,
  toInstant,
} from '../../../src/domain/index.js';
import type { PriceDefinition, ProrationRequest, SubscriptionItem } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const monthly = { unit: 'month', count: 1 } as const;
const flat = (amount: number, currency = 'USD'): PriceDefinition => ({ model: 'flat', currency, amount });
const perSeat = (unitAmount: number): PriceDefinition => ({ model: 'per_unit', currency: 'USD', unitAmount });
const item = (key: string, price: PriceDefinition, quantity?: number): SubscriptionItem =>
  quantity === undefined ? { key, price } : { key, price, quantity };
// April 2024 has 30 days: a clean 30-day period.
const april = { start: '2024-04-01T00:00:00Z', end: '2024-05-01T00:00:00Z' };

describe('computeProration', () => {
  it("Stripe's example: $10 → $20 at mid-period nets +$5", () => {
    // 15 of 30 days remain: credit −1000 × 15/30 = −500; charge 2000 × 15/30 = +1000; net +500.
    const result = computeProration({
      period: april,
      at: '2024-04-16T00:00:00Z',
      interval: monthly,
      currentItems: [item('plan', flat(1000))],
      newItems: [item('plan', flat(2000))],
    });
    expect(result.lines.map((line) => [line.kind, line.amount.amount])).toEqual([
      ['unused_time', -500],
      ['remaining_time', 1000],
    ]);
    expect(result.credit.amount).toBe(-500);
    expect(result.charge.amount).toBe(1000);
    expect(result.net).toEqual({ amount: 500, currency: 'USD' });
    expect(result.direction).toBe('upgrade');
    expect(result.anchorReset).toBe(false);
    expect(instantToIso(result.periodEnd)).toBe('2024-05-01T00:00:00.000Z');
  });

  it("Kill Bill's fixed-30-day example: $19.95 for 8 days is $5.32", () => {
    // August has 31 days; on a 30-day basis 8 remaining days cost 1995 × 8 / 30 = 15960 / 30 = 532.
    const result = computeProration({
      period: { start: '2024-08-01T00:00:00Z', end: '2024-09-01T00:00:00Z' },
      at: '2024-08-24T00:00:00Z',
      interval: monthly,
      currentItems: [],
      newItems: [item('plan', flat(1995))],
      unit: 'day_30',
    });
    expect(result.fraction).toEqual({ unit: 'day_30', remaining: 8, total: 30 });
    expect(result.net.amount).toBe(532);
    // With real days the same 8 days of August are 1995 × 8 / 31 = 514.84 → 515.
    const actual = computeProration({
      period: { start: '2024-08-01T00:00:00Z', end: '2024-09-01T00:00:00Z' },
      at: '2024-08-24T00:00:00Z',
      interval: monthly,
      currentItems: [],
      newItems: [item('plan', flat(1995))],
      unit: 'day',
    });
    expect(actual.net.amount).toBe(515);
  });

  it('rounds partial days up in day mode and counts seconds in second mode', () => {
    // Apr 16 10:00 → May 1 00:00 is 14 days 14 hours: 15 started days of 30.
    expect(prorationFraction(april, '2024-04-16T10:00:00Z', monthly, 'day')).toEqual({ unit: 'day', remaining: 15, total: 30 });
    // In seconds: 14 × 86400 + 14 × 3600 = 1,260,000 of 30 × 86400 = 2,592,000.
    expect(prorationFraction(april, '2024-04-16T10:00:00Z', monthly, 'second')).toEqual({
      unit: 'second',
      remaining: 1_260_000,
      total: 2_592_000,
    });
    // $30 plan: 3000 × 1,260,000 / 2,592,000 = 1458.33 → 1458.
    const result = computeProration({
      period: april,
      at: '2024-04-16T10:00:00Z',
      interval: monthly,
      currentItems: [],
      newItems: [item('plan', flat(3000))],
    });
    expect(result.charge.amount).toBe(1458);
  });

  it('prorates a quantity change (seats 5 → 8 at $8)', () => {
    // Half the period left: credit −(5 × 800) / 2 = −2000; charge (8 × 800) / 2 = +3200; net +1200.
    const result = computeProration({
      period: april,
      at: '2024-04-16T00:00:00Z',
      interval: monthly,
      currentItems: [item('seats', perSeat(800), 5)],
      newItems: [item('seats', perSeat(800), 8)],
    });
    expect(result.lines.map((line) => [line.kind, line.quantity, line.amount.amount])).toEqual([
      ['unused_time', '5', -2000],
      ['remaining_time', '8', 3200],
    ]);
    expect(result.net.amount).toBe(1200);
  });

  it('prorates only the items that changed (base fee + seats)', () => {
    // Base $49 unchanged → no lines. Seats 10 → 12 at $10 with 10 of 30 days left:
    // credit −10000 × 10/30 = −3333.33 → −3333; charge 12000 × 10/30 = 4000; net 667.
    const result = computeProration({
      period: april,
      at: '2024-04-21T00:00:00Z',
      interval: monthly,
      currentItems: [item('base', flat(4900)), item('seats', perSeat(1000), 10)],
      newItems: [item('base', flat(4900)), item('seats', perSeat(1000), 12)],
      unit: 'day',
    });
    expect(result.lines.map((line) => [line.itemKey, line.amount.amount])).toEqual([
      ['seats', -3333],
      ['seats', 4000],
    ]);
    expect(result.net.amount).toBe(667);
  });

  it('prorates price and quantity changes together, and removed or added items', () => {
    // Old: seats 4 × $10 and an add-on $5; new: seats 6 × $12, add-on removed, support $20 added.
    // 15/30 left: −(4000/2) = −2000, −(500/2) = −250, +(7200/2) = +3600, +(2000/2) = +1000 → net 2350.
    const result = computeProration({
      period: april,
      at: '2024-04-16T00:00:00Z',
      interval: monthly,
      currentItems: [item('seats', perSeat(1000), 4), item('addon', flat(500))],
      newItems: [item('seats', perSeat(1200), 6), item('support', flat(2000))],
    });
    expect(result.lines.map((line) => [line.itemKey, line.kind, line.amount.amount])).toEqual([
      ['seats', 'unused_time', -2000],
      ['addon', 'unused_time', -250],
      ['seats', 'remaining_time', 3600],
      ['support', 'remaining_time', 1000],
    ]);
    expect(result.credit.amount).toBe(-2250);
    expect(result.charge.amount).toBe(4600);
    expect(result.net.amount).toBe(2350);
  });

  it('classifies a downgrade and credits more than it charges', () => {
    // $20 → $10 mid-period: −1000 + 500 = −500.
    const result = computeProration({
      period: april,
      at: '2024-04-16T00:00:00Z',
      interval: monthly,
      currentItems: [item('plan', flat(2000))],
      newItems: [item('plan', flat(1000))],
    });
    expect(result.direction).toBe('downgrade');
    expect(result.net.amount).toBe(-500);
  });

  it('resets the anchor when the interval changes and charges a full new period', () => {
    // Monthly $10 → yearly $100 at mid-April: credit −500, charge the full 10000 for a year from Apr 16.
    const result = computeProration({
      period: april,
      at: '2024-04-16T00:00:00Z',
      interval: monthly,
      currentItems: [item('plan', flat(1000))],
      newItems: [item('plan', flat(10000))],
      newInterval: { unit: 'year', count: 1 },
    });
    expect(result.anchorReset).toBe(true);
    expect(result.newAnchor).toBe(toInstant('2024-04-16T00:00:00Z'));
    expect(instantToIso(result.periodEnd)).toBe('2025-04-16T00:00:00.000Z');
    expect(result.lines.map((line) => [line.kind, line.amount.amount])).toEqual([
      ['unused_time', -500],
      ['new_period', 10000],
    ]);
    expect(result.net.amount).toBe(9500);
    // Per day, $100/year (100/365.2425) is cheaper than $10/month (10/30.436875): a downgrade.
    expect(result.direction).toBe('downgrade');
  });

  it('classifies by normalised daily price across intervals', () => {
    const a = [item('plan', flat(1000))];
    // $10/month × 12 = $120/year exactly: the same price per day.
    expect(classifyChange(a, monthly, [item('plan', flat(12000))], { unit: 'year', count: 1 })).toBe('unchanged');
    expect(classifyChange(a, monthly, [item('plan', flat(12001))], { unit: 'year', count: 1 })).toBe('upgrade');
    // $3/week (≈ $13.04/month) beats $10/month.
    expect(classifyChange(a, monthly, [item('plan', flat(300))], { unit: 'week', count: 1 })).toBe('upgrade');
  });

  it('is the same code for preview and invoicing: identical, JSON-safe results', () => {
    const request: ProrationRequest = {
      period: april,
      at: '2024-04-10T08:00:00Z',
      interval: monthly,
      currentItems: [item('plan', flat(999))],
      newItems: [item('plan', { model: 'per_unit', currency: 'USD', unitAmount: '12.3456' }, 7)],
    };
    const preview = computeProration(request);
    const invoiced = computeProration(JSON.parse(JSON.stringify(request)) as ProrationRequest);
    expect(JSON.parse(JSON.stringify(preview))).toEqual(invoiced);
    expect(preview.credit.amount + preview.charge.amount).toBe(preview.net.amount);
  });

  it('refuses mixed currencies, changes outside the period and percentage prices', () => {
    const base = { period: april, at: '2024-04-16T00:00:00Z', interval: monthly } as const;
    expect(() => computeProration({ ...base, currentItems: [item('a', flat(1000))], newItems: [item('a', flat(1000, 'EUR'))] })).toThrow(
      withCode('currency_mismatch'),
    );
    expect(() =>
      computeProration({ ...base, at: '2024-05-02T00:00:00Z', currentItems: [item('a', flat(1))], newItems: [] }),
    ).toThrow(withCode('invalid_proration'));
    expect(() =>
      computeProration({
        ...base,
        currentItems: [],
        newItems: [item('fee', { model: 'percentage', currency: 'USD', percentage: '2.9' })],
      }),
    ).toThrow(withCode('invalid_proration'));
  });
});

describe('prorateCancellation', () => {
  it('credits the unused part and reconciles with what was paid', () => {
    // $30 plan + 3 seats × $5 = 4500 paid; 10 of 30 days left: credits −1000 and −500.
    const result = prorateCancellation({
      period: april,
      at: '2024-04-21T00:00:00Z',
      interval: monthly,
      items: [item('plan', flat(3000)), item('seats', perSeat(500), 3)],
      unit: 'day',
    });
    expect(result.lines.map((line) => line.amount.amount)).toEqual([-1000, -500]);
    expect(result.paid.amount).toBe(4500);
    expect(result.credit.amount).toBe(-1500);
    expect(result.used.amount).toBe(3000);
  });

  it('rounds the credit once and keeps used + unused = paid', () => {
    // $10 over July's 31 days, 10 days left: 1000 × 10 / 31 = 322.58 → credit −323; used 677.
    const result = prorateCancellation({
      period: { start: '2024-07-01T00:00:00Z', end: '2024-08-01T00:00:00Z' },
      at: '2024-07-22T00:00:00Z',
      interval: monthly,
      items: [item('plan', flat(1000))],
      unit: 'day',
    });
    expect(result.credit.amount).toBe(-323);
    expect(result.used.amount).toBe(677);
  });
});

describe('proration properties', () => {
  // Independent half-up oracle on integers: round(a × r / t) for a, r ≥ 0, t > 0.
  const halfUp = (a: number, r: number, t: number): number => Math.floor((2 * a * r + t) / (2 * t));
  const dayInPeriod = fc.record({
    monthStart: fc.integer({ min: 0, max: 47 }).map((n) => Date.UTC(2023, n, 1)),
    offsetMs: fc.integer({ min: 0, max: 31 * 86_400_000 }),
  });

  it('credit + charge equals the price difference over the remaining time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), dayInPeriod, (oldAmount, newAmount, when) => {
        const start = when.monthStart;
        const end = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + 1, 1);
        const at = Math.min(end, start + when.offsetMs);
        fc.pre(oldAmount !== newAmount);
        const result = computeProration({
          period: { start, end },
          at,
          interval: monthly,
          currentItems: [item('plan', flat(oldAmount))],
          newItems: [item('plan', flat(newAmount))],
          unit: 'day',
        });
        const { remaining, total } = result.fraction;
        expect(total).toBe(Math.round((end - start) / 86_400_000));
        expect(remaining).toBe(Math.ceil((end - at) / 86_400_000));
        // Each line is its own amount over the SAME remaining fraction, rounded half up once.
        expect(result.credit.amount).toBe(0 - halfUp(oldAmount, remaining, total) + 0);
        expect(result.charge.amount).toBe(halfUp(newAmount, remaining, total));
        expect(result.credit.amount + result.charge.amount).toBe(result.net.amount);
        // Versus the exact price difference over the remaining time, (new − old) × remaining / total:
        // two half-unit roundings → at most one minor unit apart …
        const exactTimesTotal = (newAmount - oldAmount) * remaining;
        expect(Math.abs(result.net.amount * total - exactTimesTotal)).toBeLessThanOrEqual(total);
        // … and exactly equal whenever that difference is a whole number of minor units.
        if (exactTimesTotal % total === 0) {
          expect(result.net.amount).toBe(exactTimesTotal / total + 0);
        }
        // Never credit more than was paid.
        expect(-result.credit.amount).toBeLessThanOrEqual(oldAmount);
      }),
      { numRuns: 400 },
    );
  });

  it('reconciles exactly when the price difference prorates to whole minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: -50, max: 50 }), dayInPeriod, (oldAmount, multiple, when) => {
        const start = when.monthStart;
        const end = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + 1, 1);
        const at = Math.min(end, start + when.offsetMs);
        const total = Math.round((end - start) / 86_400_000);
        const remaining = Math.ceil((end - at) / 86_400_000);
        const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
        // (new − old) × remaining / total is whole iff total / gcd(remaining, total) divides new − old.
        const step = total / gcd(remaining, total);
        const newAmount = oldAmount + multiple * step;
        fc.pre(newAmount >= 0);
        const result = computeProration({
          period: { start, end },
          at,
          interval: monthly,
          currentItems: [item('plan', flat(oldAmount))],
          newItems: [item('plan', flat(newAmount))],
          unit: 'day',
        });
        expect(result.net.amount).toBe((multiple * step * remaining) / total + 0); // + 0 turns −0 into 0
      }),
      { numRuns: 300 },
    );
  });

  it('a change at the period start swaps full prices; at the end it costs nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (oldAmount, newAmount) => {
        fc.pre(oldAmount !== newAmount);
        const request = {
          period: april,
          interval: monthly,
          currentItems: [item('plan', flat(oldAmount))],
          newItems: [item('plan', flat(newAmount))],
        };
        const atStart = computeProration({ ...request, at: april.start });
        expect([atStart.credit.amount, atStart.charge.amount]).toEqual([oldAmount === 0 ? 0 : -oldAmount, newAmount]);
        const atEnd = computeProration({ ...request, at: april.end });
        expect([atEnd.credit.amount, atEnd.charge.amount]).toEqual([0, 0]);
      }),
      { numRuns: 100 },
    );
  });
});
