import { describe, expect, it } from 'vitest';
import type { PriceInfo } from '../../../activities/types.js';
import { DEFAULT_DUNNING_POLICY } from '../../../src/domain/index.js';
import { attentionOf, nextAction, nextRetryAt, viewOf, type SubscriptionState } from '../../../workflows/subscription-state.js';

const DAY = 86_400_000;
const team: PriceInfo = {
  priceId: 'price_team',
  productId: 'prod_team',
  productName: 'Team',
  currency: 'USD',
  definition: { model: 'flat', currency: 'USD', amount: 3000 },
  interval: { unit: 'month', count: 1 },
  trialDays: null,
  usageType: 'licensed',
  meterId: null,
};

/** An active subscription anchored 2027-01-31, in its second period (Feb 28 → Mar 31). */
function state(overrides: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    tenantId: 'ten_1',
    subscriptionId: 'sub_1',
    customerId: 'cus_1',
    currency: 'USD',
    version: 3,
    status: 'active',
    interval: { unit: 'month', count: 1 },
    anchor: Date.UTC(2027, 0, 31),
    periodIndex: 1,
    billedPeriodIndex: 1,
    trialEnd: null,
    items: [{ priceId: 'price_team', quantity: 2, price: team }],
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    pausedAt: null,
    scheduledChange: null,
    pendingPaymentChange: null,
    pendingProrationLines: [],
    collections: [],
    policy: { dunning: { ...DEFAULT_DUNNING_POLICY }, trialEndWithoutPaymentMethod: 'create_invoice', usageGracePeriodMs: 3_600_000 },
    recentChanges: [],
    seenPaymentEvents: [],
    stepFailure: null,
    usage: { billedUntil: Date.UTC(2027, 0, 31), segments: [], billedAny: false, finalAt: null, finalBilled: false },
    heldDraft: null,
    ...overrides,
  };
}

describe('nextAction', () => {
  it('renews at the period end, clamped to the month (Jan 31 → Feb 28 → Mar 31)', () => {
    expect(nextAction(state())).toEqual({ kind: 'renewal', at: '2027-03-31T00:00:00.000Z' });
  });

  it('retries before the renewal, and expires a pending change at its time', () => {
    const collection = { invoiceId: 'inv_1', purpose: 'period' as const, attempts: [{ at: Date.UTC(2027, 1, 28), outcome: 'failed' as const, declineCode: 'insufficient_funds' }], nextRetryAt: Date.UTC(2027, 2, 1), waitingForCustomer: false, attention: null };
    expect(nextAction(state({ collections: [collection] }))).toEqual({ kind: 'payment_retry', at: '2027-03-01T00:00:00.000Z' });
    expect(nextRetryAt(state({ collections: [collection, { ...collection, invoiceId: 'inv_2', nextRetryAt: Date.UTC(2027, 1, 28, 6) }] }))).toBe(Date.UTC(2027, 1, 28, 6));
  });

  it('names what happens at the boundary: cancellation, a scheduled change, or nothing while paused or canceled', () => {
    expect(nextAction(state({ cancelAtPeriodEnd: true })).kind).toBe('cancellation');
    expect(nextAction(state({ scheduledChange: { changeId: 'c', items: [], prorationBehavior: 'none' } })).kind).toBe('scheduled_change');
    expect(nextAction(state({ status: 'paused' }))).toEqual({ kind: 'none', at: null });
    expect(nextAction(state({ status: 'canceled' }))).toEqual({ kind: 'none', at: null });
    expect(nextAction(state({ status: 'trialing', trialEnd: Date.UTC(2027, 1, 14) }))).toEqual({ kind: 'trial_end', at: '2027-02-14T00:00:00.000Z' });
  });

  it('a failed step puts its retry first, or nothing once the back-off is spent', () => {
    const since = Date.UTC(2027, 2, 31);
    expect(nextAction(state({ stepFailure: { message: 'x', since, failures: 1, retryAt: since + 60_000 } }))).toEqual({ kind: 'step_retry', at: '2027-03-31T00:01:00.000Z' });
    expect(nextAction(state({ stepFailure: { message: 'x', since, failures: 6, retryAt: null } }))).toEqual({ kind: 'none', at: null });
  });
});

describe('viewOf and attentionOf', () => {
  it('shows what is in force and what comes next, in plain JSON', () => {
    const view = viewOf(state({ pendingProrationLines: [
      { kind: 'proration', description: 'credit', priceId: 'price_team', quantity: 1, unitAmountDecimal: null, amount: { amount: -500, currency: 'USD' }, periodStart: 0, periodEnd: 1, discountable: false },
      { kind: 'proration', description: 'charge', priceId: 'price_team', quantity: 1, unitAmountDecimal: null, amount: { amount: 1200, currency: 'USD' }, periodStart: 0, periodEnd: 1, discountable: true },
    ] }));
    expect(view).toMatchObject({
      status: 'active',
      billingAnchor: '2027-01-31T00:00:00.000Z',
      currentPeriod: { index: 1, start: '2027-02-28T00:00:00.000Z', end: '2027-03-31T00:00:00.000Z' },
      items: [{ priceId: 'price_team', quantity: 2 }],
      // −500 + 1200 = 700 waiting for the next invoice
      pendingProrations: { amount: 700, currency: 'USD' },
      attention: null,
    });
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    // A trial has no billed period yet.
    expect(viewOf(state({ status: 'trialing', billedPeriodIndex: -1, trialEnd: Date.UTC(2027, 1, 14) })).currentPeriod).toBeNull();
  });

  it('reports a failed step before a rejected invoice, and the rejected invoice with its reason', () => {
    const rejected = { invoiceId: 'inv_9', purpose: 'period' as const, attempts: [], nextRetryAt: null, waitingForCustomer: false, attention: { reason: 'gateway_rejected' as const, message: 'amount too large', since: 3 * DAY } };
    expect(attentionOf(state({ collections: [rejected] }))).toEqual({ reason: 'gateway_rejected', message: 'amount too large', since: '1970-01-04T00:00:00.000Z', invoiceId: 'inv_9', retryAt: null });
    const failed = state({ collections: [rejected], stepFailure: { message: 'boom', since: DAY, failures: 2, retryAt: DAY + 600_000 } });
    expect(attentionOf(failed)).toMatchObject({ reason: 'workflow_error', message: 'boom', invoiceId: null, retryAt: '1970-01-02T00:10:00.000Z' });
    expect(viewOf(failed).collections[0]?.attention).toEqual({ reason: 'gateway_rejected', message: 'amount too large', since: '1970-01-04T00:00:00.000Z' });
  });
});
