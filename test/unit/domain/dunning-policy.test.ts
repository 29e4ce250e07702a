import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DUNNING_POLICY,
  DEFAULT_HARD_DECLINE_CODES,
  assertDunningPolicy,
  dunningSchedule,
  instantToIso,
  isHardDecline,
  nextDunningStep,
  toInstant,
} from '../../../src/domain/index.js';
import type { DunningPolicy, PaymentAttempt } from '../../../src/domain/index.js';
import { withCode } from './error-matchers.js';

const DAY = 86_400_000;
const t0 = toInstant('2025-03-01T10:00:00Z');
const failed = (offsetDays: number, declineCode: string | null = 'insufficient_funds'): PaymentAttempt => ({
  at: t0 + offsetDays * DAY,
  outcome: 'failed',
  declineCode,
});
const policy: DunningPolicy = { retryOffsetsDays: [1, 3, 5, 7], finalAction: 'cancel' };

describe('dunning policy', () => {
  it('retries at offsets from the first failure', () => {
    expect(nextDunningStep(policy, [failed(0)])).toEqual({ kind: 'retry', at: t0 + 1 * DAY, attempt: 2 });
    expect(nextDunningStep(policy, [failed(0), failed(1)])).toEqual({ kind: 'retry', at: t0 + 3 * DAY, attempt: 3 });
    expect(nextDunningStep(policy, [failed(0), failed(1), failed(3)])).toEqual({ kind: 'retry', at: t0 + 5 * DAY, attempt: 4 });
    expect(nextDunningStep(policy, [failed(0), failed(1), failed(3), failed(5)])).toEqual({ kind: 'retry', at: t0 + 7 * DAY, attempt: 5 });
    expect(dunningSchedule(policy, t0).map((at) => instantToIso(at))).toEqual([
      '2025-03-02T10:00:00.000Z',
      '2025-03-04T10:00:00.000Z',
      '2025-03-06T10:00:00.000Z',
      '2025-03-08T10:00:00.000Z',
    ]);
  });

  it('gives the final action once attempts are exhausted', () => {
    const history = [failed(0), failed(1), failed(3), failed(5), failed(7)];
    expect(nextDunningStep(policy, history)).toEqual({
      kind: 'final',
      action: 'cancel',
      invoiceState: 'uncollectible',
      reason: 'attempts_exhausted',
      declineCode: 'insufficient_funds',
    });
  });

  it.each([
    ['cancel', 'uncollectible'],
    ['mark_unpaid', 'uncollectible'],
    ['leave_past_due', 'open'],
  ] as const)('exhaustion with final action %s leaves the invoice %s', (finalAction, invoiceState) => {
    const step = nextDunningStep({ retryOffsetsDays: [2], finalAction }, [failed(0), failed(2)]);
    expect(step).toMatchObject({ kind: 'final', action: finalAction, invoiceState, reason: 'attempts_exhausted' });
  });

  it('lets the invoice final state be chosen explicitly', () => {
    const step = nextDunningStep({ retryOffsetsDays: [2], finalAction: 'cancel', invoiceFinalState: 'open' }, [failed(0), failed(2)]);
    expect(step).toMatchObject({ action: 'cancel', invoiceState: 'open' });
  });

  it('stops at once on a hard decline', () => {
    expect(nextDunningStep(policy, [failed(0, 'stolen_card')])).toEqual({
      kind: 'final',
      action: 'cancel',
      invoiceState: 'uncollectible',
      reason: 'hard_decline',
      declineCode: 'stolen_card',
    });
    expect(nextDunningStep(policy, [failed(0), failed(1, 'LOST_CARD')])).toMatchObject({ kind: 'final', reason: 'hard_decline' });
    for (const code of ['pickup_card', 'fraudulent', 'restricted_card', 'do_not_try_again', 'expired_card']) {
      expect(isHardDecline(policy, code)).toBe(true);
    }
  });

  it('keeps retrying soft declines such as do_not_honor', () => {
    for (const code of ['do_not_honor', 'generic_decline', 'insufficient_funds', 'processing_error', null]) {
      expect(nextDunningStep(policy, [failed(0, code)])).toMatchObject({ kind: 'retry' });
    }
    expect(DEFAULT_HARD_DECLINE_CODES).not.toContain('do_not_honor');
  });

  it('honours a custom hard-decline list', () => {
    const strict: DunningPolicy = { ...policy, hardDeclineCodes: ['insufficient_funds'] };
    expect(nextDunningStep(strict, [failed(0, 'insufficient_funds')])).toMatchObject({ kind: 'final', reason: 'hard_decline' });
    expect(nextDunningStep(strict, [failed(0, 'stolen_card')])).toMatchObject({ kind: 'retry' });
  });

  it('reports paid when the last attempt succeeded', () => {
    const paidAt = t0 + 3 * DAY;
    expect(nextDunningStep(policy, [failed(0), failed(1), { at: paidAt, outcome: 'succeeded' }])).toEqual({ kind: 'paid', at: paidAt });
  });

  it('never schedules in the past: late or extra attempts move to the next planned instant', () => {
    // A retry planned for day 1 ran on day 4: the next is day 5, not day 3.
    expect(nextDunningStep(policy, [failed(0), failed(4)])).toEqual({ kind: 'retry', at: t0 + 5 * DAY, attempt: 3 });
    // An extra attempt after a card update at day 0.5 does not push the schedule back.
    expect(nextDunningStep(policy, [failed(0), failed(0.5)])).toEqual({ kind: 'retry', at: t0 + 1 * DAY, attempt: 3 });
    // Past the last planned instant there is nothing left to try.
    expect(nextDunningStep(policy, [failed(0), failed(8)])).toMatchObject({ kind: 'final', reason: 'attempts_exhausted' });
  });

  it('caps attempts with maxAttempts', () => {
    const three: DunningPolicy = { ...policy, maxAttempts: 3 };
    expect(dunningSchedule(three, t0)).toEqual([t0 + DAY, t0 + 3 * DAY]);
    expect(nextDunningStep(three, [failed(0), failed(1), failed(3)])).toMatchObject({ kind: 'final', reason: 'attempts_exhausted' });
    expect(nextDunningStep({ ...policy, maxAttempts: 1 }, [failed(0)])).toMatchObject({ kind: 'final' });
  });

  it('validates policies and histories', () => {
    const invalidPolicy = withCode('invalid_dunning_policy');
    expect(() => assertDunningPolicy({ retryOffsetsDays: [3, 1], finalAction: 'cancel' })).toThrow(invalidPolicy);
    expect(() => assertDunningPolicy({ retryOffsetsDays: [0], finalAction: 'cancel' })).toThrow(invalidPolicy);
    expect(() => assertDunningPolicy({ retryOffsetsDays: [1], maxAttempts: 3, finalAction: 'cancel' })).toThrow(invalidPolicy);
    expect(() => assertDunningPolicy({ retryOffsetsDays: [1], finalAction: 'delete' as never })).toThrow(invalidPolicy);
    expect(() => assertDunningPolicy(DEFAULT_DUNNING_POLICY)).not.toThrow();
    const invalidHistory = withCode('invalid_payment_history');
    expect(() => nextDunningStep(policy, [])).toThrow(invalidHistory);
    expect(() => nextDunningStep(policy, [failed(2), failed(1)])).toThrow(invalidHistory);
    expect(() => nextDunningStep(policy, [{ at: t0, outcome: 'succeeded' }, failed(1)])).toThrow(invalidHistory);
  });
});
