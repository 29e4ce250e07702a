import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PaymentEvent } from '../src/payments/payment-events.js';
import { billing } from './subscription-activities.js';
import { attemptCharge, collect, handlePaymentEvent } from './subscription-collection.js';
import { cancel, cancelAtBoundary, changeItems, expirePendingPaymentChange, pause, previewChange, resume, validateCancel, validateChangeRequest, validatePause, validateResume } from './subscription-changes.js';
import { SubscriptionContext } from './subscription-context.js';
import { payInvoiceNow, validatePayInvoice, validateVoidInvoice, voidInvoice } from './subscription-invoice-actions.js';
import { asRefusal } from './refusals.js';
import { recurringLines } from './subscription-lines.js';
import {
  cancelUpdate,
  changeItemsUpdate,
  getStateQuery,
  pauseCollectionUpdate,
  paymentEventSignal,
  paymentMethodUpdatedSignal,
  payInvoiceUpdate,
  voidInvoiceUpdate,
  type InvoiceActionRequest,
  previewChangeUpdate,
  resumeCollectionUpdate,
  type CancelRequest,
  type ChangeItemsRequest,
  type SubscriptionView,
  type SubscriptionWorkflowInput,
} from './subscription-messages.js';
import { currentPeriod, isBilling, nextRetryAt, SEEN_EVENTS_KEPT, viewOf, type SubscriptionState } from './subscription-state.js';

/**
 * One subscription, for its whole life: `subscription:<id>`. The workflow owns what happens next
 * and when (trial end, renewal, retries, scheduled changes); Postgres, through the activities,
 * records what happened. Each billing period is one run: at the rollover the workflow continues
 * as new with its state, so history stays small however old the subscription gets.
 */
export async function subscriptionWorkflow(input: SubscriptionWorkflowInput, carried?: SubscriptionState): Promise<SubscriptionView> {
  const ctx = new SubscriptionContext(carried ?? (await initialState(input)));
  // The tenant may have changed its dunning policy since the last run.
  if (carried) ctx.state.policy = await billing.loadBillingPolicy({ tenantId: input.tenantId });
  const inbox: PaymentEvent[] = [];
  let paymentMethodUpdated = false;

  setHandler(getStateQuery, () => viewOf(ctx.state));
  setHandler(paymentEventSignal, (event) => {
    if (ctx.state.seenPaymentEvents.includes(event.eventId)) return;
    ctx.state.seenPaymentEvents = [...ctx.state.seenPaymentEvents, event.eventId].slice(-SEEN_EVENTS_KEPT);
    inbox.push(event);
    ctx.dirty = true;
  });
  setHandler(paymentMethodUpdatedSignal, () => {
    paymentMethodUpdated = true;
    ctx.dirty = true;
  });
  setHandler(changeItemsUpdate, (request) => asUpdateResult(ctx.exclusive(() => changeItems(ctx, request))), {
    validator: (request: ChangeItemsRequest) => validateChangeRequest(ctx, request),
  });
  setHandler(previewChangeUpdate, (request) => asUpdateResult(ctx.exclusive(() => previewChange(ctx, request))), {
    validator: (request: ChangeItemsRequest) => validateChangeRequest(ctx, request),
  });
  setHandler(cancelUpdate, (request) => asUpdateResult(ctx.exclusive(async () => (await cancel(ctx, request), viewOf(ctx.state)))), {
    validator: (request: CancelRequest) => validateCancel(ctx, request),
  });
  setHandler(pauseCollectionUpdate, () => asUpdateResult(ctx.exclusive(async () => (await pause(ctx), viewOf(ctx.state)))), {
    validator: () => validatePause(ctx),
  });
  setHandler(payInvoiceUpdate, (request) => asUpdateResult(ctx.exclusive(() => payInvoiceNow(ctx, request))), {
    validator: (request: InvoiceActionRequest) => validatePayInvoice(ctx, request),
  });
  setHandler(voidInvoiceUpdate, (request) => asUpdateResult(ctx.exclusive(async () => (await voidInvoice(ctx, request), viewOf(ctx.state)))), {
    validator: (request: InvoiceActionRequest) => validateVoidInvoice(request),
  });
  setHandler(resumeCollectionUpdate, () => asUpdateResult(ctx.exclusive(async () => (await resume(ctx), viewOf(ctx.state)))), {
    validator: () => validateResume(ctx),
  });

  ctx.updateSearchAttributes();

  for (;;) {
    ctx.dirty = false;
    const rollover = await ctx.exclusive(async () => {
      while (inbox.length > 0) {
        const event = inbox.shift();
        if (event) await handlePaymentEvent(ctx, event);
      }
      if (paymentMethodUpdated) {
        paymentMethodUpdated = false;
        await onPaymentMethodUpdated(ctx);
      }
      return step(ctx);
    }, false);
    const s = ctx.state;
    if (s.status === 'canceled') break;
    if (rollover) {
      // Every update that started before the boundary finishes in this run.
      await condition(allHandlersFinished);
      return continueAsNew<typeof subscriptionWorkflow>(input, ctx.state);
    }
    if (ctx.dirty) continue;
    const wakeAt = nextWake(s);
    const wait = wakeAt === null ? undefined : Math.max(1, wakeAt - Date.now());
    if (wait === undefined) await condition(() => ctx.dirty);
    else await condition(() => ctx.dirty, wait);
    if (workflowInfo().continueAsNewSuggested && !ctx.dirty) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof subscriptionWorkflow>(input, ctx.state);
    }
  }
  await condition(allHandlersFinished);
  return viewOf(ctx.state);
}

/**
 * A domain rule broken by a request (a currency mismatch, say) fails that update with its code;
 * left as a plain error it would fail the workflow task and retry forever.
 */
async function asUpdateResult<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw asRefusal(error);
  }
}

async function initialState(input: SubscriptionWorkflowInput): Promise<SubscriptionState> {
  const [snapshot, policy] = await Promise.all([
    billing.loadSubscription({ tenantId: input.tenantId, subscriptionId: input.subscriptionId }),
    billing.loadBillingPolicy({ tenantId: input.tenantId }),
  ]);
  return {
    tenantId: snapshot.tenantId,
    subscriptionId: snapshot.subscriptionId,
    customerId: snapshot.customerId,
    currency: snapshot.currency,
    version: snapshot.stateVersion,
    status: snapshot.status,
    interval: snapshot.interval,
    anchor: snapshot.billingAnchor,
    periodIndex: snapshot.currentPeriodIndex,
    billedPeriodIndex: snapshot.status === 'trialing' || snapshot.status === 'incomplete' ? -1 : snapshot.currentPeriodIndex,
    trialEnd: snapshot.trialEnd,
    items: snapshot.items.map((item) => ({ priceId: item.priceId, quantity: item.quantity, price: item.price })),
    cancelAtPeriodEnd: snapshot.cancelAtPeriodEnd,
    canceledAt: snapshot.canceledAt,
    endedAt: null,
    pausedAt: snapshot.pausedAt,
    scheduledChange: null,
    pendingPaymentChange: null,
    pendingProrationLines: [],
    collections: [],
    policy,
    recentChanges: [],
    seenPaymentEvents: [],
  };
}

/** The next instant the workflow must act without being told: trial end, retry, expiry, or period end. */
function nextWake(s: SubscriptionState): number | null {
  if (s.status === 'canceled' || s.status === 'paused') return null;
  if (s.status === 'trialing') return s.trialEnd;
  if (s.status === 'incomplete' && s.billedPeriodIndex < 0) return s.anchor;
  const candidates = [currentPeriod(s).end];
  const retry = nextRetryAt(s);
  if (retry !== null) candidates.push(retry);
  if (s.pendingPaymentChange) candidates.push(s.pendingPaymentChange.expiresAt);
  return Math.min(...candidates);
}

/**
 * Does whatever is due now, one thing at a time (the loop calls again until nothing is due).
 * Returns true at a period rollover, when the run should continue as new.
 */
async function step(ctx: SubscriptionContext): Promise<boolean> {
  const s = ctx.state;
  const now = Date.now();
  if (s.status === 'canceled' || s.status === 'paused') return false;
  if (s.status === 'trialing') {
    if (s.trialEnd !== null && now >= s.trialEnd) {
      await endTrial(ctx, s.trialEnd);
      ctx.dirty = true; // the first period is due now
    }
    return false;
  }
  // A subscription that starts in the future waits for its start.
  if (s.status === 'incomplete' && s.billedPeriodIndex < 0 && now < s.anchor) return false;
  if ((isBilling(s.status) || s.status === 'incomplete') && s.billedPeriodIndex < s.periodIndex) {
    await billCurrentPeriod(ctx);
    ctx.dirty = true;
    return false;
  }
  const due = s.collections.find((c) => c.nextRetryAt !== null && c.nextRetryAt <= now && !(c.waitingForCustomer && c.purpose === 'change'));
  if (due) {
    await attemptCharge(ctx, due);
    ctx.dirty = true;
    return false;
  }
  if (s.pendingPaymentChange && now >= s.pendingPaymentChange.expiresAt) {
    await expirePendingPaymentChange(ctx);
    ctx.dirty = true;
    return false;
  }
  const boundary = currentPeriod(s).end;
  if (now < boundary) return false;
  if (s.cancelAtPeriodEnd) {
    await cancelAtBoundary(ctx, boundary);
    return false;
  }
  if (s.scheduledChange) {
    s.items = s.scheduledChange.items;
    s.scheduledChange = null;
  }
  s.periodIndex += 1;
  return true;
}

/** Trial over: bill the first period, or follow the policy when there is no payment method. */
async function endTrial(ctx: SubscriptionContext, trialEnd: number): Promise<void> {
  const s = ctx.state;
  if (s.cancelAtPeriodEnd) {
    await cancelAtBoundary(ctx, trialEnd);
    return;
  }
  const hasPaymentMethod = await billing.hasPaymentMethod({ tenantId: s.tenantId, customerId: s.customerId });
  const behavior = hasPaymentMethod ? 'create_invoice' : s.policy.trialEndWithoutPaymentMethod;
  if (behavior === 'cancel') {
    await cancelAtBoundary(ctx, trialEnd);
    return;
  }
  if (behavior === 'pause') {
    s.status = 'paused';
    s.pausedAt = trialEnd;
    await ctx.persist('trial_ended_paused', { reason: 'missing_payment_method' });
    return;
  }
  s.status = 'active';
  s.anchor = trialEnd;
  s.periodIndex = 0;
  s.billedPeriodIndex = -1;
  await ctx.persist('trial_ended');
}

/** The period's invoice: recurring fees in advance plus pending prorations; then collect it. */
async function billCurrentPeriod(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const period = currentPeriod(s);
  let invoice = await billing.createInvoice({
    tenantId: s.tenantId,
    customerId: s.customerId,
    subscriptionId: s.subscriptionId,
    // The anchor is part of the key: resuming or changing interval restarts period numbering.
    sourceKey: `${s.subscriptionId}:anchor:${s.anchor}:period:${s.periodIndex}:recurring`,
    kind: 'recurring',
    currency: s.currency,
    periodIndex: s.periodIndex,
    periodStart: period.start,
    periodEnd: period.end,
    lines: [...recurringLines(s.items, period), ...s.pendingProrationLines],
  });
  s.pendingProrationLines = [];
  s.billedPeriodIndex = s.periodIndex;
  invoice = await billing.applyCreditBalance({ tenantId: s.tenantId, invoiceId: invoice.invoiceId });
  invoice = await billing.finalizeInvoice({ tenantId: s.tenantId, invoiceId: invoice.invoiceId });
  if (invoice.status === 'paid' && s.status === 'incomplete') s.status = 'active';
  await ctx.persist('period_invoiced', { invoiceId: invoice.invoiceId, periodIndex: s.periodIndex, amountDue: invoice.amountDue });
  await collect(ctx, invoice, 'period');
}

/** A new card: past-due invoices are retried at once; an unpaid subscription bills again. */
async function onPaymentMethodUpdated(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const now = Date.now();
  for (const collection of s.collections) {
    if (collection.purpose === 'period') {
      collection.nextRetryAt = now;
      collection.waitingForCustomer = false;
    }
  }
  if (s.status === 'unpaid') {
    s.status = 'active';
    await ctx.persist('reactivated', { reason: 'payment_method_updated' });
  }
}
