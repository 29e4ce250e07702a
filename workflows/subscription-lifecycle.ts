import { prorateCancellation, zeroMoney } from '../src/domain/index.js';
import { refuse } from './refusals.js';
import { endSubscription } from './subscription-collection.js';
import type { SubscriptionContext } from './subscription-context.js';
import { prorate, prorationLineDrafts } from './subscription-lines.js';
import type { CancelRequest } from './subscription-messages.js';
import { currentPeriod } from './subscription-state.js';
import { allows, isFailing, transition } from './subscription-status.js';

/**
 * Cancel, pause and resume: the validators refuse what the status table does not allow, and the
 * handlers act at the instant the request was made (`at`, whole seconds).
 */

export function validateCancel(ctx: SubscriptionContext, request: CancelRequest): void {
  if (request.mode !== 'now' && request.mode !== 'period_end') throw refuse('invalid_cancel', 'mode must be now or period_end');
  if (request.prorate !== undefined && typeof request.prorate !== 'boolean') throw refuse('invalid_cancel', 'prorate must be a boolean');
  if (request.prorate && request.mode !== 'now') throw refuse('invalid_cancel', 'prorate applies only to mode now');
  if (!allows(ctx.state.status, 'cancel')) throw refuse('subscription_canceled', 'the subscription is already canceled');
}

export async function cancel(ctx: SubscriptionContext, request: CancelRequest, at: number): Promise<void> {
  const s = ctx.state;
  if (request.mode === 'period_end') {
    if (s.cancelAtPeriodEnd) return;
    s.cancelAtPeriodEnd = true;
    await ctx.persist('cancel_scheduled', at, { cancelAt: s.status === 'trialing' ? s.trialEnd : currentPeriod(s).end });
    return;
  }
  let credit = zeroMoney(s.currency);
  const period = currentPeriod(s);
  const paidForCurrentPeriod = s.status !== 'trialing' && s.billedPeriodIndex === s.periodIndex && !s.collections.some((c) => c.purpose === 'period');
  // Credit only unused time of a paid period we are inside (not a period still to start).
  if (request.prorate && paidForCurrentPeriod && at >= period.start && at < period.end) {
    const cancellation = prorateCancellation({
      period: { start: period.start, end: period.end },
      at,
      interval: s.interval,
      items: s.items.filter((i) => i.price.usageType === 'licensed').map((i) => ({ key: i.priceId, price: i.price.definition, quantity: i.quantity })),
    });
    credit = { amount: -cancellation.credit.amount, currency: cancellation.credit.currency };
    if (credit.amount > 0) {
      await ctx.billing.creditCustomer({
        tenantId: s.tenantId,
        customerId: s.customerId,
        amount: credit,
        reason: 'prorated_cancellation',
        sourceKey: `${s.subscriptionId}:cancel:credit`,
        invoiceId: null,
      });
    }
  }
  endSubscription(ctx, at);
  await ctx.persist('canceled', at, { mode: 'now', credit });
}

/** At the period (or trial) end `at`: the cancellation scheduled with `period_end` happens. */
export async function cancelAtBoundary(ctx: SubscriptionContext, at: number): Promise<void> {
  endSubscription(ctx, at);
  await ctx.persist('canceled', at, { mode: 'period_end' });
}

export function validatePause(ctx: SubscriptionContext): void {
  const status = ctx.state.status;
  // A trial pauses only by itself (ending without a payment method); a request pauses a billing subscription.
  if (status === 'trialing' || !allows(status, 'pause')) {
    throw refuse('subscription_not_pausable', `only an active or past_due subscription can be paused (this one is ${status})`);
  }
}

export async function pause(ctx: SubscriptionContext, at: number): Promise<void> {
  const s = ctx.state;
  transition(s, 'pause');
  s.pausedAt = at;
  await ctx.persist('paused', at);
}

export function validateResume(ctx: SubscriptionContext): void {
  if (!allows(ctx.state.status, 'resume')) throw refuse('subscription_not_paused', `only a paused subscription can be resumed (this one is ${ctx.state.status})`);
}

/**
 * Resuming restarts the billing cycle at `at` (Stripe's `billing_cycle_anchor: now`): a new
 * period is invoiced, less a credit for the part of the period paid before the pause and never
 * used. An invoice still failing makes the resumed subscription past due again.
 */
export async function resume(ctx: SubscriptionContext, at: number): Promise<void> {
  const s = ctx.state;
  const period = currentPeriod(s);
  const paidForPausedPeriod = s.billedPeriodIndex === s.periodIndex && !s.collections.some((c) => c.purpose === 'period');
  if (s.pausedAt !== null && paidForPausedPeriod && s.pausedAt < period.end) {
    const unused = prorate(s.items, [], period, Math.max(s.pausedAt, period.start), s.interval, s.interval);
    s.pendingProrationLines.push(...prorationLineDrafts(unused));
  }
  transition(s, 'resume');
  if (isFailing(s)) transition(s, 'fall_past_due');
  s.pausedAt = null;
  s.anchor = at;
  s.periodIndex = 0;
  s.billedPeriodIndex = -1;
  await ctx.persist('resumed', at);
}
