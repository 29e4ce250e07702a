import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addInterval, instantToIso, stubPeriod, subtractInterval, toInstant } from '../../../src/domain/index.js';
import type { BillingInterval } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const at = (iso: string): number => toInstant(iso);
const monthly: BillingInterval = { unit: 'month', count: 1 };

describe('billing cycle anchor: the stub period before it', () => {
  it('a start on Jan 15 anchored to Feb 1 stubs Jan 15 → Feb 1 inside the full period Jan 1 → Feb 1', () => {
    const stub = stubPeriod(at('2027-01-15T00:00:00Z'), at('2027-02-01T00:00:00Z'), monthly);
    expect(stub && instantToIso(stub.start)).toBe('2027-01-15T00:00:00.000Z');
    expect(stub && instantToIso(stub.end)).toBe('2027-02-01T00:00:00.000Z');
    // The period that ends at the anchor: Feb 1 − 1 month = Jan 1 (31 days, of which the stub is 17).
    expect(stub?.fullPeriod).toEqual({ index: -1, start: at('2027-01-01T00:00:00Z'), end: at('2027-02-01T00:00:00Z') });
  });

  it('subtracting a month clamps like adding one: Mar 31 − 1 month = Feb 28 (Feb 29 in 2028), Jan 31 − 1 month = Dec 31', () => {
    expect(instantToIso(subtractInterval(at('2027-03-31T12:00:00Z'), monthly))).toBe('2027-02-28T12:00:00.000Z');
    expect(instantToIso(subtractInterval(at('2028-03-31T12:00:00Z'), monthly))).toBe('2028-02-29T12:00:00.000Z');
    expect(instantToIso(subtractInterval(at('2027-01-31T00:00:00Z'), monthly))).toBe('2026-12-31T00:00:00.000Z');
    expect(instantToIso(subtractInterval(at('2027-01-10T00:00:00Z'), { unit: 'month', count: 14 }))).toBe('2025-11-10T00:00:00.000Z');
    expect(instantToIso(subtractInterval(at('2028-02-29T00:00:00Z'), { unit: 'year', count: 1 }))).toBe('2027-02-28T00:00:00.000Z');
    expect(instantToIso(subtractInterval(at('2027-01-03T00:00:00Z'), { unit: 'week', count: 2 }))).toBe('2026-12-20T00:00:00.000Z');
  });

  it('an anchor equal to the start is no stub; before the start or past the next natural renewal is refused', () => {
    const start = at('2027-01-15T00:00:00Z');
    expect(stubPeriod(start, start, monthly)).toBeNull();
    expect(() => stubPeriod(start, at('2027-01-14T23:59:59Z'), monthly)).toThrow(withCode('invalid_billing_cycle_anchor'));
    // Jan 15 + 1 month = Feb 15 is the latest anchor; one second later is refused.
    expect(stubPeriod(start, at('2027-02-15T00:00:00Z'), monthly)?.fullPeriod.start).toBe(start);
    expect(() => stubPeriod(start, at('2027-02-15T00:00:01Z'), monthly)).toThrow(withCode('invalid_billing_cycle_anchor'));
    expect(() => subtractInterval(start, monthly, -1)).toThrow(withCode('invalid_interval'));
  });

  it('the stub always lies inside the full period ending at its anchor, which is at most one interval long (property)', () => {
    const interval = fc.oneof(
      fc.record({ unit: fc.constant('day' as const), count: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ unit: fc.constant('week' as const), count: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ unit: fc.constant('month' as const), count: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ unit: fc.constant('year' as const), count: fc.integer({ min: 1, max: 2 }) }),
    );
    const start = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => Math.floor(ms / 1000) * 1000);
    fc.assert(
      fc.property(start, interval, fc.double({ min: 0, max: 1, noNaN: true }), (from, every: BillingInterval, share) => {
        const latest = addInterval(from, every);
        const anchor = from + Math.max(1000, Math.floor((share * (latest - from)) / 1000) * 1000);
        const stub = stubPeriod(from, anchor, every);
        expect(stub).not.toBeNull();
        if (!stub) return;
        expect(stub.fullPeriod.end).toBe(anchor);
        expect(stub.fullPeriod.start).toBeLessThanOrEqual(stub.start);
        expect(stub.start).toBeLessThan(stub.end);
        // The full period is one interval back from the anchor: adding it back lands on or before the anchor (clamping only ever shortens).
        expect(addInterval(stub.fullPeriod.start, every)).toBeLessThanOrEqual(anchor);
      }),
      { numRuns: 300 },
    );
  });
});
