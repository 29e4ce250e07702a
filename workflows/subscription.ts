import { allHandlersFinished, condition, continueAsNew, isCancellation, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { InvoiceSummary } from '../activities/types.js';
import type { PaymentEvent } from '../src/payments/payment-events.js';
import { requestedInstant } from './billing-instants.js';
import { asUpdateFailure, guardValidator, refuse } from './refusals.js';
import { billing, localBilling } from './subscription-activities.js';
import { attemptCharge, endSubscription, handlePaymentEvent, replaceItems } from './subscription-collection.js';
import { changeItems, expirePendingPaymentChange, previewChange, validateChangeRequest } from './subscription-changes.js';
import { SubscriptionContext } from './subscription-context.js';
import { finalizeHeldDraft, holdInvoice, issueInvoice } from './subscription-invoicing.js';
import { creditOpenInvoice, payInvoiceNow, validateCreditInvoice, validatePayInvoice, validateVoidInvoice, voidInvoice } from './subscription-invoice-actions.js';
import { cancel, cancelAtBoundary, pause, resume, validateCancel, validatePause, validateResume } from './subscription-lifecycle.js';
import { finalInvoiceDraft, periodInvoiceDraft, upcomingInvoiceDraft } from './subscription-invoice-drafts.js';
import {
  billingPreviewQuery,
  cancelUpdate,
  changeItemsUpdate,
  getStateQuery,
  pauseCollectionUpdate,
  clearAttentionSignal,
  flagAttentionSignal,
  paymentEventSignal,
  paymentMethodUpdatedSignal,
  usageAccruedSignal,
  payInvoiceUpdate,
  voidInvoiceUpdate,
  creditInvoiceUpdate,
  type CreditInvoiceRequest,
  type InvoiceActionRequest,
  previewChangeUpdate,
  resumeCollectionUpdate,
  type AttentionFlagReason,
  type CancelRequest,
  type ChangeItemsRequest,
  type SubscriptionView,
  type SubscriptionWorkflowInput,
} from './subscription-messages.js';
import { clearStepFailure, loadWithRetries, recordStepFailure } from './subscription-step-failure.js';
import { currentPeriod, isBilling, nextRetryAt, SEEN_EVENTS_KEPT, servicePeriod, viewOf, type SubscriptionState } from './subscription-state.js';
import { isFailing, recoverUnlessFailing, transition } from './subscription-status.js';
import { billedThrough, initialUsage } from './subscription-usage.js';
import { wakeSummary } from './subscription-operator-view.js';
import { checkSpendThreshold } from './subscription-spend-threshold.js';

/**
 * One subscription, for its whole life: `subscription:<id>`. The workflow owns what happens next
 * and when (trial end, renewal, retries, scheduled changes); Postgres, through the activities,
 * records what happened. Each billing period is one run: at the rollover the workflow continues
 * as new with its state, so history stays small however old the subscription gets.
 *
 * It never fails and never wedges: refusals fail the update that caused them, and anything
 * unexpected inside a billing step is caught at the step boundary, recorded for an operator
 * (search attribute BillingAttention, an outbox event) and retried after a back-off.
 * It completes with its final view when the subscription ends (null if its row is gone).
 */
export async function subscriptionWorkflow(input: SubscriptionWorkflowInput, carried?: SubscriptionState): Promise<SubscriptionView | null> {
  // Handlers are registered before the state is loaded, so a request that arrives in the first
  // moments (a change right after the create) waits for it instead of finding no handler.
  let loaded: SubscriptionContext | null | undefined = undefined;
  let announceLoaded: () => void = () => undefined;
  const loading = new Promise<void>((resolve) => (announceLoaded = resolve));
  const context = async (): Promise<SubscriptionContext> => {
    if (loaded === undefined) await loading;
    if (!loaded) throw refuse('subscription_ended', 'The subscription no longer exists');
    return loaded;
  };
  const inbox: Array<{ event: PaymentEvent; at: number }> = [];
  let paymentMethodUpdatedAt: number | null = null;
  let usageAccruedAt: number | null = null;
  const wake = (): void => {
    if (loaded) loaded.dirty = true;
  };

  setHandler(getStateQuery, () => {
    if (!loaded) throw new Error('the subscription is still loading');
    return viewOf(loaded.state);
  });
  setHandler(billingPreviewQuery, () => {
    if (!loaded) throw new Error('the subscription is still loading');
    const { usage } = loaded.state;
    return { usage: { billedUntil: usage.billedUntil, segments: usage.segments }, upcoming: upcomingInvoiceDraft(loaded.state) };
  });
  setHandler(paymentEventSignal, (event) => {
    inbox.push({ event, at: requestedInstant() });
    wake();
  });
  // Flags raised before the state has loaded wait for it.
  const earlyFlags: Array<{ reason: AttentionFlagReason; message: string; since: number }> = (input.flags ?? []).map((flag) => ({ ...flag, since: requestedInstant() }));
  const raise = (state: SubscriptionState, flag: { reason: AttentionFlagReason; message: string; since: number }): void => {
    const others = (state.flags ?? []).filter((f) => f.reason !== flag.reason);
    const existing = state.flags?.find((f) => f.reason === flag.reason);
    state.flags = [...others, { ...flag, since: existing?.since ?? flag.since }];
  };
  setHandler(flagAttentionSignal, (flag) => {
    const raised = { reason: flag.reason, message: flag.message, since: requestedInstant() };
    if (!loaded) return void earlyFlags.push(raised);
    raise(loaded.state, raised);
    loaded.updateSearchAttributes();
  });
  setHandler(clearAttentionSignal, ({ reason }) => {
    if (!loaded) return void earlyFlags.splice(0, earlyFlags.length, ...earlyFlags.filter((f) => reason !== undefined && f.reason !== reason));
    loaded.state.flags = (loaded.state.flags ?? []).filter((f) => reason !== undefined && f.reason !== reason);
    loaded.updateSearchAttributes();
  });
  setHandler(paymentMethodUpdatedSignal, () => {
    paymentMethodUpdatedAt = requestedInstant();
    wake();
  });
  setHandler(usageAccruedSignal, () => {
    usageAccruedAt = requestedInstant();
    wake();
  });
  /**
   * An update takes its instant when it arrives, then waits for the state and the lock; it is
   * validated again once it holds the lock, since an update queued ahead of it may have changed
   * what is allowed (two pauses at once: the second is refused, not half-applied).
   */
  const update = <R, T>(validate: (ctx: SubscriptionContext, request: R) => void, work: (ctx: SubscriptionContext, request: R, at: number) => Promise<T>) => ({
    handler: (request: R): Promise<T> => {
      const at = requestedInstant();
      return asUpdateFailure(
        (async () => {
          const ctx = await context();
          return ctx.exclusive(async () => {
            validate(ctx, request);
            return work(ctx, request, at);
          });
        })(),
      );
    },
    validator: guardValidator((request: R) => {
      if (loaded) validate(loaded, request);
    }),
  });
  const change = update((ctx, request: ChangeItemsRequest) => validateChangeRequest(ctx, request), (ctx, request, at) => changeItems(ctx, request, at));
  setHandler(changeItemsUpdate, change.handler, { validator: change.validator });
  const preview = update((ctx, request: ChangeItemsRequest) => validateChangeRequest(ctx, request), (ctx, request, at) => previewChange(ctx, request, at));
  setHandler(previewChangeUpdate, preview.handler, { validator: preview.validator });
  const cancelling = update((ctx, request: CancelRequest) => validateCancel(ctx, request), async (ctx, request, at) => (await cancel(ctx, request, at), viewOf(ctx.state)));
  setHandler(cancelUpdate, cancelling.handler, { validator: cancelling.validator });
  const pausing = update((ctx) => validatePause(ctx), async (ctx, _none: null, at) => (await pause(ctx, at), viewOf(ctx.state)));
  setHandler(pauseCollectionUpdate, () => pausing.handler(null), { validator: () => pausing.validator(null) });
  const resuming = update((ctx) => validateResume(ctx), async (ctx, _none: null, at) => (await resume(ctx, at), viewOf(ctx.state)));
  setHandler(resumeCollectionUpdate, () => resuming.handler(null), { validator: () => resuming.validator(null) });
  const paying = update((ctx, request: InvoiceActionRequest) => validatePayInvoice(ctx, request), (ctx, request, at) => payInvoiceNow(ctx, request, at));
  setHandler(payInvoiceUpdate, paying.handler, { validator: paying.validator });
  const voiding = update((_ctx, request: InvoiceActionRequest) => validateVoidInvoice(request), async (ctx, request, at) => (await voidInvoice(ctx, request, at), viewOf(ctx.state)));
  setHandler(voidInvoiceUpdate, voiding.handler, { validator: voiding.validator });
  const crediting = update((_ctx, request: CreditInvoiceRequest) => validateCreditInvoice(request), (ctx, request, at) => creditOpenInvoice(ctx, request, at));
  setHandler(creditInvoiceUpdate, crediting.handler, { validator: crediting.validator });

  // Runs that began before this patch replay as they were recorded (every step a scheduled
  // activity, every persist its own); new runs take the local, batched path.
  const fewerRoundTrips = patched('fewer-round-trips');
  const state = await loadWithRetries(input, carried, fewerRoundTrips, initialState);
  loaded = state === null ? null : new SubscriptionContext(state, fewerRoundTrips);
  announceLoaded();
  if (loaded === null) return null;
  const ctx = loaded;
  for (const flag of earlyFlags) raise(ctx.state, flag);
  ctx.updateSearchAttributes();

  for (;;) {
    ctx.dirty = false;
    let rollover = false;
    try {
      rollover = await ctx.exclusive(async () => {
        // An event leaves the inbox only once handled: a failed step handles it again. A
        // redelivered webhook (the same event id) changes nothing.
        for (let next = inbox[0]; next !== undefined; next = inbox[0]) {
          if (!ctx.state.seenPaymentEvents.includes(next.event.eventId)) {
            await handlePaymentEvent(ctx, next.event, next.at);
            ctx.state.seenPaymentEvents = [...ctx.state.seenPaymentEvents, next.event.eventId].slice(-SEEN_EVENTS_KEPT);
          }
          inbox.shift();
        }
        if (paymentMethodUpdatedAt !== null) {
          await onPaymentMethodUpdated(ctx, paymentMethodUpdatedAt);
          paymentMethodUpdatedAt = null;
        }
        const rolled = await step(ctx);
        // After what was due (a period start bills first); the check is cleared only once made.
        if (usageAccruedAt !== null && !rolled && !ctx.dirty) {
          await checkSpendThreshold(ctx, usageAccruedAt);
          usageAccruedAt = null;
        }
        if (ctx.state.stepFailure) await clearStepFailure(ctx);
        return rolled;
      }, false);
    } catch (error) {
      if (isCancellation(error)) throw error;
      await recordStepFailure(ctx, error);
    }
    const s = ctx.state;
    // An ended subscription stays until its final usage invoice is issued.
    if (s.status === 'canceled' && s.usage.finalBilled && s.heldDraft === null) break;
    if (rollover) {
      // Every update that started before the boundary finishes in this run.
      await condition(allHandlersFinished);
      await drainUnwritten(ctx);
      return continueAsNew<typeof subscriptionWorkflow>(input, ctx.state);
    }
    if (ctx.dirty) continue;
    // States a failed write left queued are written before waiting; if that fails too, soon again.
    const unwritten = await writeUnwritten(ctx);
    const wakeAt = unwritten ? Math.min(nextWake(s) ?? Infinity, Date.now() + UNWRITTEN_RETRY_MS) : nextWake(s);
    const wait = wakeAt === null || wakeAt === Infinity ? undefined : Math.max(1, wakeAt - Date.now());
    if (wait === undefined) await condition(() => ctx.dirty);
    // The timer is named for what it waits for ("dunning retry 2 of 4 for INV-000123"), as the UI shows it.
    else await condition(() => ctx.dirty, wait, { summary: wakeSummary(s) });
    if (workflowInfo().continueAsNewSuggested && !ctx.dirty) {
      await condition(allHandlersFinished);
      await drainUnwritten(ctx);
      return continueAsNew<typeof subscriptionWorkflow>(input, ctx.state);
    }
  }
  await condition(allHandlersFinished);
  await drainUnwritten(ctx);
  return viewOf(ctx.state);
}

const UNWRITTEN_RETRY_MS = 60_000;

/** Writes states still queued; true when some are still unwritten afterwards. */
async function writeUnwritten(ctx: SubscriptionContext): Promise<boolean> {
  if (!ctx.hasUnwritten) return false;
  try {
    await ctx.flush();
  } catch (error) {
    if (isCancellation(error)) throw error;
  }
  return ctx.hasUnwritten;
}

/** Before the run ends (continued as new or completed), every queued state is written: the next run does not carry the queue. */
async function drainUnwritten(ctx: SubscriptionContext): Promise<void> {
  while (await writeUnwritten(ctx)) await sleep(UNWRITTEN_RETRY_MS);
}

async function initialState(input: SubscriptionWorkflowInput, fewerRoundTrips: boolean): Promise<SubscriptionState> {
  const ref = { tenantId: input.tenantId, subscriptionId: input.subscriptionId };
  const { snapshot, policy } = fewerRoundTrips
    ? await localBilling.loadSubscriptionStart(ref)
    : await Promise.all([billing.loadSubscription(ref), billing.loadBillingPolicy({ tenantId: input.tenantId })]).then(([snapshot, policy]) => ({ snapshot, policy }));
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
    // Nothing billed yet before the first invoice: the period before the first (-2 for a stub).
    billedPeriodIndex: snapshot.status === 'trialing' || snapshot.status === 'incomplete' ? snapshot.currentPeriodIndex - 1 : snapshot.currentPeriodIndex,
    trialEnd: snapshot.trialEnd,
    stub: snapshot.stub,
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
    stepFailure: null,
    usage: initialUsage(snapshot.items.map((item) => ({ priceId: item.priceId, quantity: item.quantity, price: item.price })), snapshot.usageFrom),
    heldDraft: null,
  };
}

/** The next instant the workflow must act without being told: trial end, retry, expiry, or period end. */
function nextWake(s: SubscriptionState): number | null {
  // A failed step waits for its back-off (or, once that is spent, for an operator).
  if (s.stepFailure) return s.stepFailure.retryAt;
  if (s.heldDraft) return Math.min(s.heldDraft.finalizeAt, s.status === 'canceled' || s.status === 'paused' ? Infinity : periodWake(s));
  if (s.status === 'canceled') return s.usage.finalBilled ? null : Date.now();
  if (s.status === 'paused') return null;
  return periodWake(s);
}

/** The next instant of the billing cycle itself: a start, a retry, an expiry, or the period end. */
function periodWake(s: SubscriptionState): number {
  if (s.status === 'trialing' && s.trialEnd !== null) return s.trialEnd;
  if (s.status === 'incomplete' && s.billedPeriodIndex < s.periodIndex) return servicePeriod(s).start;
  const candidates = [currentPeriod(s).end];
  const retry = nextRetryAt(s);
  if (retry !== null) candidates.push(retry);
  if (s.pendingPaymentChange) candidates.push(s.pendingPaymentChange.expiresAt);
  return Math.min(...candidates);
}

/**
 * Does whatever is due now, one thing at a time (the loop calls again until nothing is due).
 * Returns true at a period rollover, when the run should continue as new. What it records is
 * dated by what was due (the trial end, the period start, the retry time), not by when it ran.
 */
async function step(ctx: SubscriptionContext): Promise<boolean> {
  const s = ctx.state;
  const now = Date.now();
  if (s.heldDraft && now >= s.heldDraft.finalizeAt) {
    const { finalizeAt, purpose } = s.heldDraft;
    await finalizeHeldDraft(ctx, (invoice) =>
      purpose === 'final' ? ctx.persist('final_invoiced', finalizeAt, { invoiceId: invoice.invoiceId, amountDue: invoice.amountDue }) : afterIssue(ctx, invoice, invoice.status, finalizeAt),
    );
    ctx.dirty = true;
    return false;
  }
  if (s.status === 'canceled') {
    if (!s.usage.finalBilled && s.heldDraft === null) {
      await billFinalUsage(ctx);
      ctx.dirty = true;
    }
    return false;
  }
  if (s.status === 'paused') return false;
  if (s.status === 'trialing') {
    if (s.trialEnd !== null && now >= s.trialEnd) {
      await endTrial(ctx, s.trialEnd);
      ctx.dirty = true; // the first period is due now
    }
    return false;
  }
  // A subscription that starts in the future waits for its start.
  if (s.status === 'incomplete' && s.billedPeriodIndex < s.periodIndex && now < servicePeriod(s).start) return false;
  if ((isBilling(s.status) || s.status === 'incomplete') && s.billedPeriodIndex < s.periodIndex) {
    await billCurrentPeriod(ctx);
    ctx.dirty = true;
    return false;
  }
  const due = s.collections.find((c) => c.nextRetryAt !== null && c.nextRetryAt <= now && !(c.waitingForCustomer && c.purpose === 'change'));
  if (due && due.nextRetryAt !== null) {
    await attemptCharge(ctx, due, due.nextRetryAt);
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
    replaceItems(s, s.scheduledChange.items, boundary);
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
  const hasPaymentMethod = await ctx.billing.hasPaymentMethod({ tenantId: s.tenantId, customerId: s.customerId });
  const behavior = hasPaymentMethod ? 'create_invoice' : s.policy.trialEndWithoutPaymentMethod;
  if (behavior === 'cancel') {
    endSubscription(ctx, trialEnd, 'expire');
    await ctx.persist('trial_expired', trialEnd, { reason: 'missing_payment_method' });
    return;
  }
  if (behavior === 'pause') {
    transition(s, 'pause');
    s.pausedAt = trialEnd;
    await ctx.persist('trial_ended_paused', trialEnd, { reason: 'missing_payment_method' });
    return;
  }
  transition(s, 'activate');
  s.anchor = trialEnd;
  s.periodIndex = 0;
  s.billedPeriodIndex = -1;
  await ctx.persist('trial_ended', trialEnd);
}

/**
 * The period's invoice: recurring fees in advance, pending prorations and the previous period's
 * usage in arrears; then collect it from the period's start. An invoice that bills usage is held
 * as a draft for the tenant's grace period first, so late events of the closed period land on it.
 */
async function billCurrentPeriod(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const period = servicePeriod(s);
  const draft = periodInvoiceDraft(s, period);
  const windows = draft.usage?.windows ?? [];
  // Only now is the period billed: a step that failed before this point issues the same invoice again.
  const billed = () => {
    s.pendingProrationLines = [];
    s.billedPeriodIndex = s.periodIndex;
    s.usage = billedThrough(s.usage, period.start, windows);
  };
  if (draft.usage && windows.length > 0 && s.policy.usageGracePeriodMs > 0) {
    const held = await holdInvoice(ctx, { ...draft, usage: draft.usage }, { purpose: 'period', finalizeAt: period.start + s.policy.usageGracePeriodMs });
    billed();
    await ctx.persist('period_invoice_drafted', period.start, { invoiceId: held.invoiceId, periodIndex: s.periodIndex, finalizesAt: new Date(period.start + s.policy.usageGracePeriodMs).toISOString() });
    return;
  }
  await issueInvoice(ctx, draft, { purpose: 'period', at: period.start }, async (invoice) => {
    billed();
    await afterIssue(ctx, invoice, invoice.status, period.start);
  });
}

/** An invoice was finalized: a first invoice paid at once activates the subscription; the record follows. */
async function afterIssue(ctx: SubscriptionContext, invoice: InvoiceSummary, status: InvoiceSummary['status'], at: number): Promise<void> {
  const s = ctx.state;
  if (status === 'paid' && s.status === 'incomplete') transition(s, 'activate');
  await ctx.persist('period_invoiced', at, { invoiceId: invoice.invoiceId, periodIndex: s.periodIndex, amountDue: invoice.amountDue });
}

/** The subscription has ended: its usage up to the end (and late usage) goes on a final invoice, held for the grace period. */
async function billFinalUsage(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const endedAt = s.usage.finalAt ?? s.endedAt ?? requestedInstant();
  const draft = finalInvoiceDraft(s, endedAt);
  const usage = draft.usage ?? { windows: [], reconcileSince: null, closeUsage: true };
  const done = () => {
    s.usage = { ...billedThrough(s.usage, endedAt, usage.windows), finalBilled: true };
  };
  if (s.policy.usageGracePeriodMs > 0 && usage.windows.length > 0) {
    const held = await holdInvoice(ctx, { ...draft, usage }, { purpose: 'final', finalizeAt: endedAt + s.policy.usageGracePeriodMs });
    done();
    await ctx.persist('final_invoice_drafted', endedAt, { invoiceId: held.invoiceId });
    return;
  }
  await issueInvoice(ctx, draft, { purpose: 'final', at: endedAt }, async (invoice) => {
    done();
    await ctx.persist('final_invoiced', endedAt, { invoiceId: invoice.invoiceId, amountDue: invoice.amountDue });
  });
}

/** A new card at `at`: past-due invoices are retried at once; an unpaid subscription bills again. */
async function onPaymentMethodUpdated(ctx: SubscriptionContext, at: number): Promise<void> {
  const s = ctx.state;
  for (const collection of s.collections) {
    // An invoice the gateway refused waits for an operator: a new card does not change the refusal.
    if (collection.purpose === 'period' && collection.attention === null) {
      collection.nextRetryAt = at;
      collection.waitingForCustomer = false;
    }
  }
  if (s.status === 'unpaid' && !isFailing(s)) {
    recoverUnlessFailing(s);
    await ctx.persist('reactivated', at, { reason: 'payment_method_updated' });
  }
}
