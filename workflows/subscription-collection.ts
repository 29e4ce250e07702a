import { chargeFailureCode } from './charge-failure-code.js';
import type { ChargeInvoiceResult, InvoiceSummary } from '../activities/types.js';
import { nextDunningStep, type BillingInterval, type DunningStep } from '../src/domain/index.js';
import type { PaymentEvent } from '../src/payments/payment-events.js';
import type { SubscriptionContext } from './subscription-context.js';
import type { CollectionState, ItemState, SubscriptionState } from './subscription-state.js';
import { changeMeteredItems, usageWindowsUntil } from './subscription-usage.js';
import { recoverUnlessFailing, transition } from './subscription-status.js';

/**
 * Collecting invoices: charging, dunning by the tenant's policy, what payment events from
 * webhooks mean, and a gateway that refuses a charge outright. Called with the context's lock
 * held. Every `at` is the instant the attempt was scheduled or requested.
 */

type Rejection = Extract<ChargeInvoiceResult, { status: 'rejected' }>;

/**
 * Starts collecting an open invoice, its first attempt due at `at`. Registering twice (a step
 * retried after a failure) finds the collection already there.
 */
export function registerCollection(ctx: SubscriptionContext, invoice: InvoiceSummary, purpose: CollectionState['purpose'], at: number): CollectionState {
  const existing = ctx.state.collections.find((c) => c.invoiceId === invoice.invoiceId);
  if (existing) return existing;
  const collection: CollectionState = {
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number,
    amountDue: invoice.amountDue.amount,
    purpose,
    attempts: [],
    nextRetryAt: at,
    waitingForCustomer: false,
    attention: null,
  };
  ctx.state.collections.push(collection);
  return collection;
}

/** One charge attempt for a collection at `at`, and what follows from its outcome. */
export async function attemptCharge(ctx: SubscriptionContext, collection: CollectionState, at: number): Promise<ChargeInvoiceResult> {
  const attempt = collection.attempts.length + 1;
  const result = await ctx.billing.chargeInvoice({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt });
  if (result.status === 'succeeded' || result.status === 'already_paid') {
    await ctx.billing.recordPaymentOutcome({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt, outcome: result, nextRetryAt: null });
    await settleCollection(ctx, collection, 'paid', at);
    return result;
  }
  if (result.status === 'not_collectible') {
    removeCollection(ctx, collection);
    return result;
  }
  collection.attempts.push({ at, outcome: 'failed', declineCode: chargeFailureCode(result) });
  // The attempt is the operator's (or the schedule's) answer to an earlier rejection.
  collection.attention = null;
  if (collection.purpose === 'final') {
    // An ended subscription's last invoice is charged once; what it leaves open stays open.
    await ctx.billing.recordPaymentOutcome({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt, outcome: result, nextRetryAt: null });
    removeCollection(ctx, collection);
    return result;
  }
  if (result.status === 'rejected') return rejectCollection(ctx, collection, result, at);
  collection.waitingForCustomer = result.status !== 'declined';
  if (collection.purpose === 'change') {
    // A change's invoice is not dunned: a decline drops the change; authentication waits for
    // the customer until the change expires.
    await ctx.billing.recordPaymentOutcome({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt, outcome: result, nextRetryAt: null });
    collection.nextRetryAt = null;
    if (result.status !== 'requires_action') await settleCollection(ctx, collection, 'failed', at);
    return result;
  }
  const step = nextDunningStep(ctx.state.policy.dunning, collection.attempts);
  collection.nextRetryAt = step.kind === 'retry' ? step.at : null;
  await ctx.billing.recordPaymentOutcome({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt, outcome: result, nextRetryAt: collection.nextRetryAt });
  if (step.kind === 'final') await applyFinalAction(ctx, collection, step, at);
  else await markPastDue(ctx, collection, at);
  return result;
}

/**
 * The gateway refused the charge as an invalid request (an amount over its maximum, say): no
 * retry can change that, so dunning stops for this invoice and it stays open with an attention
 * mark until an operator voids it, pays it again or cancels. A change's invoice simply fails.
 */
async function rejectCollection(ctx: SubscriptionContext, collection: CollectionState, result: Rejection, at: number): Promise<ChargeInvoiceResult> {
  const s = ctx.state;
  collection.nextRetryAt = null;
  collection.waitingForCustomer = false;
  await ctx.billing.recordPaymentOutcome({ tenantId: s.tenantId, invoiceId: collection.invoiceId, attempt: collection.attempts.length, outcome: result, nextRetryAt: null });
  if (collection.purpose === 'change') {
    await settleCollection(ctx, collection, 'failed', at);
    return result;
  }
  collection.attention = { reason: 'gateway_rejected', message: result.message, since: at };
  transition(s, 'fall_past_due');
  await ctx.persist('collection_needs_attention', at, { invoiceId: collection.invoiceId, reason: 'gateway_rejected', gatewayCode: result.code, message: result.message });
  return result;
}

async function markPastDue(ctx: SubscriptionContext, collection: CollectionState, at: number): Promise<void> {
  transition(ctx.state, 'fall_past_due');
  await ctx.persist('payment_failed', at, { invoiceId: collection.invoiceId, attempt: collection.attempts.length, nextRetryAt: collection.nextRetryAt });
}

/**
 * Ends the subscription at `at`: nothing more is collected for its periods, and its metered
 * items stop there — their usage up to `at` goes on a final invoice before the workflow ends.
 */
export function endSubscription(ctx: SubscriptionContext, at: number, how: 'cancel' | 'expire' = 'cancel'): void {
  const s = ctx.state;
  transition(s, how);
  s.canceledAt = at;
  s.endedAt = at;
  s.collections = [];
  s.scheduledChange = null;
  s.pendingPaymentChange = null;
  const usage = changeMeteredItems(s.usage, [], at);
  // Nothing left to bill (no usage since the last invoice, none ever billed that could come late): no final invoice.
  const owed = usageWindowsUntil(usage, at).length > 0 || usage.billedAny;
  s.usage = { ...usage, finalAt: at, finalBilled: !owed };
}

/** Dunning is exhausted (or the decline was hard): the policy's final action. */
async function applyFinalAction(ctx: SubscriptionContext, collection: CollectionState, step: Extract<DunningStep, { kind: 'final' }>, at: number): Promise<void> {
  const s = ctx.state;
  removeCollection(ctx, collection);
  if (step.invoiceState === 'uncollectible') {
    await ctx.billing.markInvoiceUncollectible({ tenantId: s.tenantId, invoiceId: collection.invoiceId });
  }
  switch (step.action) {
    case 'cancel':
      endSubscription(ctx, at);
      break;
    case 'mark_unpaid':
      transition(s, 'mark_unpaid');
      break;
    case 'leave_past_due':
      transition(s, 'fall_past_due');
      break;
  }
  await ctx.persist('dunning_exhausted', at, { invoiceId: collection.invoiceId, finalAction: step.action, invoiceState: step.invoiceState, reason: step.reason });
}

export function removeCollection(ctx: SubscriptionContext, collection: { invoiceId: string }): void {
  ctx.state.collections = ctx.state.collections.filter((c) => c.invoiceId !== collection.invoiceId);
}

/** An invoice is paid (or a change's payment failed): unlock what it was for. */
export async function settleCollection(ctx: SubscriptionContext, collection: CollectionState, outcome: 'paid' | 'failed', at: number): Promise<void> {
  const s = ctx.state;
  removeCollection(ctx, collection);
  const pending = s.pendingPaymentChange;
  if (collection.purpose === 'change' && pending?.invoiceId === collection.invoiceId) {
    s.pendingPaymentChange = null;
    if (outcome === 'paid') {
      applyItems(ctx, pending.items, pending.interval, pending.anchorReset, pending.requestedAt);
      await ctx.persist('change_applied', at, { changeId: pending.changeId, invoiceId: collection.invoiceId });
    } else {
      await ctx.billing.voidInvoice({ tenantId: s.tenantId, invoiceId: collection.invoiceId });
      await ctx.persist('change_payment_failed', at, { changeId: pending.changeId, invoiceId: collection.invoiceId });
    }
    return;
  }
  recoverUnlessFailing(s);
  await ctx.persist(outcome === 'paid' ? 'invoice_paid' : 'invoice_payment_failed', at, { invoiceId: collection.invoiceId });
}

/**
 * Replaces the items; an interval change restarts the cycle at the change's instant (its first
 * period is already invoiced).
 */
export function applyItems(ctx: SubscriptionContext, items: ItemState[], interval: BillingInterval, anchorReset: boolean, at: number): void {
  const s = ctx.state;
  replaceItems(s, items, at);
  if (anchorReset) {
    s.anchor = at;
    s.interval = interval;
    s.periodIndex = 0;
    s.billedPeriodIndex = 0;
  }
}

/** The items in force from `at` on; a metered price's usage splits there. */
export function replaceItems(state: SubscriptionState, items: ItemState[], at: number): void {
  state.usage = changeMeteredItems(state.usage, items, at);
  state.items = items;
}

/**
 * A payment fact from a webhook, received at `at`. Our own charge results already reached us
 * through the charge activity; webhooks matter when the outcome happened later (the customer
 * authenticated, or a payment finally failed) and for refunds and disputes, which are recorded
 * as events.
 */
export async function handlePaymentEvent(ctx: SubscriptionContext, event: PaymentEvent, at: number): Promise<void> {
  const s = ctx.state;
  const collection = s.collections.find((c) => c.invoiceId === event.invoiceId);
  if (event.kind === 'payment_refunded' || event.kind === 'payment_disputed') {
    // The webhook's own transaction wrote payment.refunded / invoice.disputed (record-payment-correction.ts).
    await ctx.persist(event.kind, at, { invoiceId: event.invoiceId, chargeId: event.chargeId });
    return;
  }
  if (!collection) return;
  const attempt = event.attempt ?? collection.attempts.length;
  if (event.kind === 'payment_succeeded') {
    const outcome: ChargeInvoiceResult = {
      status: 'succeeded',
      paymentIntentId: event.paymentIntentId ?? '',
      chargeId: event.chargeId,
      idempotencyKey: `invoice:${collection.invoiceId}:attempt:${attempt}`,
    };
    await ctx.billing.recordPaymentOutcome({ tenantId: s.tenantId, invoiceId: collection.invoiceId, attempt, outcome, nextRetryAt: null });
    await settleCollection(ctx, collection, 'paid', at);
    return;
  }
  if (event.kind === 'payment_requires_action') {
    collection.waitingForCustomer = true;
    return;
  }
  // payment_failed: only news when it concerns an attempt we have not seen fail (e.g. the customer
  // failed authentication after we reported requires_action).
  const last = collection.attempts.at(-1);
  if (last && attempt <= collection.attempts.length && !collection.waitingForCustomer) return;
  if (last && last.declineCode !== event.declineCode) last.declineCode = event.declineCode;
  collection.waitingForCustomer = false;
  if (collection.purpose === 'change') {
    await settleCollection(ctx, collection, 'failed', at);
    return;
  }
  const step = nextDunningStep(s.policy.dunning, collection.attempts);
  collection.nextRetryAt = step.kind === 'retry' ? step.at : null;
  if (step.kind === 'final') await applyFinalAction(ctx, collection, step, at);
  else await markPastDue(ctx, collection, at);
}
