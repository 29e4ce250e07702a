import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBuckets, type RateLimitOptions } from '../../../src/api/rate-limit.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('TokenBuckets', () => {
  it('allows a burst, then refuses with the exact wait until the next token', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ requestsPerSecond: 2, burst: 3 }, clock.now);
    expect([buckets.take('k'), buckets.take('k'), buckets.take('k')]).toEqual([
      { waitMs: 0, remaining: 2 },
      { waitMs: 0, remaining: 1 },
      { waitMs: 0, remaining: 0 },
    ]);
    // Empty: one token takes 1/2 s at 2 per second.
    expect(buckets.take('k')).toEqual({ waitMs: 500, remaining: 0 });
    // A refused take costs nothing: the wait only shrinks as time passes.
    expect(buckets.take('k')).toEqual({ waitMs: 500, remaining: 0 });
    clock.advance(100);
    expect(buckets.take('k')).toEqual({ waitMs: 400, remaining: 0 });
    clock.advance(300);
    expect(buckets.take('k')).toEqual({ waitMs: 100, remaining: 0 });
    clock.advance(50);
    expect(buckets.take('k')).toEqual({ waitMs: 50, remaining: 0 });
    clock.advance(50);
    expect(buckets.take('k')).toEqual({ waitMs: 0, remaining: 0 });
    expect(buckets.take('k')).toEqual({ waitMs: 500, remaining: 0 });
  });

  it('refills at the rate and never beyond the burst', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ requestsPerSecond: 4, burst: 5 }, clock.now);
    for (let i = 0; i < 5; i++) expect(buckets.take('k').waitMs).toBe(0);
    expect(buckets.take('k')).toEqual({ waitMs: 250, remaining: 0 });
    // One second at 4 per second: four tokens, no more.
    clock.advance(1000);
    for (let i = 0; i < 4; i++) expect(buckets.take('k')).toEqual({ waitMs: 0, remaining: 3 - i });
    expect(buckets.take('k').waitMs).toBe(250);
    // A long idle fills the bucket to the burst only.
    clock.advance(3_600_000);
    const takes = Array.from({ length: 6 }, () => buckets.take('k'));
    expect(takes.map((t) => t.waitMs)).toEqual([0, 0, 0, 0, 0, 250]);
    expect(takes.map((t) => t.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
  });

  it('gives exact waits for a rate that does not divide a second', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ requestsPerSecond: 3, burst: 1 }, clock.now);
    expect(buckets.take('k').waitMs).toBe(0);
    expect(buckets.take('k').waitMs).toBe(334); // ceil(1000 / 3)
    clock.advance(333);
    expect(buckets.take('k').waitMs).toBe(1); // 0.999 of a token: 1/3 ms short, rounded up
    clock.advance(1);
    expect(buckets.take('k').waitMs).toBe(0);
  });

  // 499 ms after emptying at 2/s, 0.002 of a token is missing (1 ms); without care the float
  // residue makes Math.ceil(1.0000000000000009) = 2.
  it('gives the exact 1 ms wait 499 ms after emptying at 2 per second', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ requestsPerSecond: 2, burst: 1 }, clock.now);
    buckets.take('k');
    clock.advance(499);
    expect(buckets.take('k').waitMs).toBe(1);
  });

  it('limits each key on its own', () => {
    const clock = manualClock();
    const buckets = new TokenBuckets({ requestsPerSecond: 1, burst: 2 }, clock.now);
    buckets.take('a');
    buckets.take('a');
    expect(buckets.take('a').waitMs).toBe(1000);
    expect(buckets.take('b')).toEqual({ waitMs: 0, remaining: 1 });
  });

  it('sweeps buckets idle long enough to be full again, and a swept key starts full', () => {
    const clock = manualClock();
    // Refill time: burst / rate = 1.5 s.
    const buckets = new TokenBuckets({ requestsPerSecond: 2, burst: 3 }, clock.now);
    for (const key of ['a', 'b', 'c']) buckets.take(key);
    buckets.take('a');
    expect(buckets.size).toBe(3);
    clock.advance(1000);
    buckets.take('d'); // within the refill time of the last sweep: nothing dropped
    expect(buckets.size).toBe(4);
    clock.advance(500);
    buckets.take('d'); // a, b and c have been idle 1.5 s: dropped; d is recent
    expect(buckets.size).toBe(1);
    expect(buckets.take('a')).toEqual({ waitMs: 0, remaining: 2 });
    expect(buckets.size).toBe(2);
    clock.advance(10_000);
    buckets.take('e');
    expect(buckets.size).toBe(1);
  });

  it('behaves exactly like an unswept reference model (sweeping loses nothing)', () => {
    const options = fc.record({ requestsPerSecond: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 1, max: 20 }) });
    const steps = fc.array(fc.record({ advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 120_000 })), key: fc.constantFrom('a', 'b', 'c', 'd') }), {
      maxLength: 200,
    });
    fc.assert(
      fc.property(options, steps, (opts: RateLimitOptions, ops) => {
        const clock = manualClock();
        const buckets = new TokenBuckets(opts, clock.now);
        const model = new Map<string, { tokens: number; at: number }>();
        for (const { advanceMs, key } of ops) {
          clock.advance(advanceMs);
          const now = clock.now();
          const state = model.get(key) ?? { tokens: opts.burst, at: now };
          state.tokens = Math.min(opts.burst, state.tokens + ((now - state.at) / 1000) * opts.requestsPerSecond);
          state.at = now;
          model.set(key, state);
          const actual = buckets.take(key);
          if (state.tokens >= 1) {
            state.tokens -= 1;
            expect(actual).toEqual({ waitMs: 0, remaining: Math.floor(state.tokens) });
          } else {
            // The wait is the exact time to the next whole token, rounded up to a millisecond.
            const exactMs = ((1 - state.tokens) / opts.requestsPerSecond) * 1000;
            expect(actual.remaining).toBe(0);
            expect(actual.waitMs).toBeGreaterThanOrEqual(exactMs - 1e-6);
            expect(actual.waitMs).toBeLessThan(exactMs + 1);
          }
          expect(buckets.size).toBeLessThanOrEqual(model.size);
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});
