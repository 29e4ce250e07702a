import { describe, expect, it } from 'vitest';
import {
  allows,
  isFailing,
  nextStatus,
  recoverUnlessFailing,
  STATUS_TRANSITIONS,
  SUBSCRIPTION_STATUSES,
  transition,
  type StatusTransition,
  type SubscriptionStatus,
} from '../../../workflows/subscription-status.js';

/**
 * Every (status, transition) pair: the allowed ones with their result, every other one refused.
 * The table below is written from the billing rules, not copied from the module:
 * - activate: billing begins — the first invoice is paid, or a trial ends into billing;
 * - fall_past_due: a payment failed; a first invoice leaves the subscription incomplete, a paused one stays paused;
 * - recover: nothing is failing any more;
 * - pause: asked for (active, past due) or a trial ending without a payment method;
 * - resume: only a paused subscription;
 * - cancel: anything not yet canceled;
 * - mark_unpaid: dunning's final action, from wherever dunning ran;
 * - expire: a trial that ends with no way to pay.
 */
const EXPECTED: Record<StatusTransition, Partial<Record<SubscriptionStatus, SubscriptionStatus>>> = {
  activate: { incomplete: 'active', trialing: 'active' },
  fall_past_due: { active: 'past_due', past_due: 'past_due', incomplete: 'incomplete', paused: 'paused' },
  recover: { active: 'active', past_due: 'active', unpaid: 'active', incomplete: 'active', paused: 'paused' },
  pause: { active: 'paused', past_due: 'paused', trialing: 'paused' },
  resume: { paused: 'active' },
  cancel: { incomplete: 'canceled', trialing: 'canceled', active: 'canceled', past_due: 'canceled', paused: 'canceled', unpaid: 'canceled' },
  mark_unpaid: { incomplete: 'unpaid', active: 'unpaid', past_due: 'unpaid' },
  expire: { trialing: 'canceled' },
};

const pairs = (Object.keys(EXPECTED) as StatusTransition[]).flatMap((name) => SUBSCRIPTION_STATUSES.map((status) => [name, status] as const));

describe('the subscription status table', () => {
  it('names every transition the workflow uses, and no other', () => {
    expect(Object.keys(STATUS_TRANSITIONS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(pairs)('%s from %s', (name, status) => {
    const expected = EXPECTED[name][status];
    expect(allows(status, name)).toBe(expected !== undefined);
    if (expected === undefined) {
      expect(() => nextStatus(status, name)).toThrow(`a ${status} subscription cannot`);
      const state = { status };
      expect(() => transition(state, name)).toThrow();
      expect(state.status).toBe(status); // a refused transition changes nothing
    } else {
      const state = { status };
      transition(state, name);
      expect(state.status).toBe(expected);
    }
  });

  it('a canceled subscription allows no transition at all', () => {
    expect((Object.keys(EXPECTED) as StatusTransition[]).filter((name) => allows('canceled', name))).toEqual([]);
  });
});

describe('back to active when nothing is failing', () => {
  const failed = { purpose: 'period' as const, attempts: [{}] };
  const fresh = { purpose: 'period' as const, attempts: [] };
  const change = { purpose: 'change' as const, attempts: [{}] };

  it('counts only period invoices with a failed attempt as failing', () => {
    expect(isFailing({ status: 'past_due', collections: [failed] })).toBe(true);
    expect(isFailing({ status: 'past_due', collections: [fresh, change] })).toBe(false);
  });

  it.each([
    ['past_due', [], 'active'],
    ['past_due', [failed], 'past_due'],
    ['unpaid', [], 'active'],
    ['incomplete', [change], 'active'],
    ['incomplete', [failed], 'incomplete'],
    ['paused', [], 'paused'],
    ['trialing', [], 'trialing'],
    ['canceled', [], 'canceled'],
  ] as const)('%s with %j becomes %s', (status, collections, expected) => {
    const state = { status: status as SubscriptionStatus, collections };
    recoverUnlessFailing(state);
    expect(state.status).toBe(expected);
  });
});
