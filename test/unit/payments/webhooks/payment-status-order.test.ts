import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNewerPaymentStatus, type TrackedPaymentStatus } from '../../../../src/payments/webhooks/payment-status-order.js';

const at = (iso: string) => new Date(iso);

describe('isNewerPaymentStatus', () => {
  it('takes anything when nothing is known yet', () => {
    for (const status of ['requires_action', 'failed', 'succeeded'] as const) expect(isNewerPaymentStatus(null, status, at('2026-01-01T00:00:00Z'))).toBe(true);
  });

  it.each([
    // known, next, next's time vs known's, expected
    ['requires_action', 'succeeded', 'earlier', true],
    ['failed', 'succeeded', 'earlier', true],
    ['succeeded', 'failed', 'later', false],
    ['succeeded', 'requires_action', 'later', false],
    ['succeeded', 'succeeded', 'later', false],
    ['requires_action', 'failed', 'later', true],
    ['requires_action', 'failed', 'earlier', false],
    ['failed', 'requires_action', 'later', true],
    ['failed', 'failed', 'same', true],
  ] as const)('known %s, then %s reported %s: news = %s', (known, next, when, expected) => {
    const knownAt = at('2026-01-01T12:00:00Z');
    const nextAt = when === 'earlier' ? at('2026-01-01T11:00:00Z') : when === 'later' ? at('2026-01-01T13:00:00Z') : knownAt;
    expect(isNewerPaymentStatus({ status: known, eventCreated: knownAt }, next, nextAt)).toBe(expected);
  });

  it('a success is final: no order of deliveries undoes it (property)', () => {
    const status = fc.constantFrom<TrackedPaymentStatus>('requires_action', 'failed', 'succeeded');
    fc.assert(
      fc.property(fc.array(fc.tuple(status, fc.integer({ min: 0, max: 1_000_000 })), { minLength: 1, maxLength: 20 }), (deliveries) => {
        let known: { status: TrackedPaymentStatus; eventCreated: Date } | null = null;
        for (const [next, seconds] of deliveries) {
          const created = new Date(seconds * 1000);
          if (isNewerPaymentStatus(known, next, created)) known = { status: next, eventCreated: created };
        }
        if (deliveries.some(([next]) => next === 'succeeded')) expect(known?.status).toBe('succeeded');
      }),
      { numRuns: 300 },
    );
  });
});
