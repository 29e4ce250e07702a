import type { ChargeInvoiceResult, InvoiceSummary } from '../activities/types.js';
import { nextDunningStep, type DunningStep } from '../src/domain/index.js';
import type { PaymentEvent } from '../src/payments/payment-events.js';
import { billing } from './subscription-activities.js';
import type { SubscriptionContext } from './subscription-context.js';
import type { CollectionState } from './subscription-state.js';

/**
 * Collecting invoices: charging, dunning by the tenant's policy, and what payment events from
 * webhooks mean. Called with the context's lock held.
 */

function failureCode(result: ChargeInvoiceResult): string | null {
  switch (result.status) {
    case 'declined':
      return result.declineCode;
    case 'requires_action':
      return 'authentication_required';
    case 'no_payment_method':
      return 'no_payment_method';
    default:
      return null;
  }
}

/** Starts collecting a finalized invoice: the first charge is attempted at once. */
export async function collect(ctx: SubscriptionContext, invoice: InvoiceSummary, purpose: CollectionState['purpose']): Promise<ChargeInvoiceResult | null> {
  if (invoice.status !== 'open') return null;
  const collection: CollectionState = { invoiceId: invoice.invoiceId, purpose, attempts: [], nextRetryAt: Date.now(), waitingForCustomer: false };
  ctx.state.collections.push(collection);
  return attemptCharge(ctx, collection);
}

/** One charge attempt for a collection, and what follows from its outcome. */
export async function attemptCharge(ctx: SubscriptionContext, collection: CollectionState): Promise<ChargeInvoiceResult> {
  const attempt = collection.attempts.length + 1;
  const result = await billing.chargeInvoice({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt });
  if (result.status === 'succeeded' || result.status === 'already_paid') {
    await billing.recordPaymentOutcome({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt, outcome: result, nextRetryAt: null });
    await settleCollection(ctx, collection, 'paid');
    return result;
  }
  if (result.status === 'not_collectible') {
    removeCollection(ctx, collection);
    return result;
  }
  collection.attempts.push({ at: Date.now(), outcome: 'failed', declineCode: failureCode(result) });
  collection.waitingForCustomer = result.status !== 'declined';
  if (collection.purpose === 'change') {
    // A change's invoice is not dunned: a decline drops the change; authentication waits for
    // the customer until the change expires.
    await billing.recordPaymentOutcome({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt, outcome: result, nextRetryAt: null });
    collection.nextRetryAt = null;
    if (result.status !== 'requires_action') await settleCollection(ctx, collection, 'failed');
    return result;
  }
  const step = nextDunningStep(ctx.state.policy.dunning, collection.attempts);
  collection.nextRetryAt = step.kind === 'retry' ? step.at : null;
  await billing.recordPaymentOutcome({ tenantId: ctx.state.tenantId, invoiceId: collection.invoiceId, attempt, outcome: result, nextRetryAt: collection.nextRetryAt });
  if (step.kind === 'final') await applyFinalAction(ctx, collection, step);
  else await markPastDue(ctx, collection);
  return result;
}

async function markPastDue(ctx: SubscriptionContext, collection: CollectionState): Promise<void> {
  const s = ctx.state;
  // The first invoice failing leaves the subscription incomplete (Stripe); later ones make it past_due.
  if (s.status === 'active') s.status = 'past_due';
  await ctx.persist('payment_failed', { invoiceId: collection.invoiceId, attempt: collection.attempts.length, nextRetryAt: collection.nextRetryAt });
}

/** Dunning is exhausted (or the decline was hard): the policy's final action. */
async function applyFinalAction(ctx: SubscriptionContext, collection: CollectionState, step: Extract<DunningStep, { kind: 'final' }>): Promise<void> {
  const s = ctx.state;
  removeCollection(ctx, collection);
  if (step.invoiceState === 'uncollectible') {
    await billing.markInvoiceUncollectible({ tenantId: s.tenantId, invoiceId: collection.invoiceId });
  }
  const now = Date.now();
  switch (step.action) {
    case 'cancel':
      s.status = 'canceled';
      s.canceledAt = now;
      s.endedAt = now;
      s.collections = [];
      break;
    case 'mark_unpaid':
      s.status = 'unpaid';
      break;
    case 'leave_past_due':
      s.status = 'past_due';
      break;
  }
  await ctx.persist('dunning_exhausted', { invoiceId: collection.invoiceId, finalAction: step.action, invoiceState: step.invoiceState, reason: step.reason });
}

function removeCollection(ctx: SubscriptionContext, collection: CollectionState): void {
  ctx.state.collections = ctx.state.collections.filter((c) => c.invoiceId !== collection.invoiceId);
}

/** An invoice is paid (or a change's payment failed): unlock what it was for. */
async function settleCollection(ctx: SubscriptionContext, collection: CollectionState, outcome: 'paid' | 'failed'): Promise<void> {
  const s = ctx.state;
  removeCollection(ctx, collection);
  const pending = s.pendingPaymentChange;
  if (collection.purpose === 'change' && pending?.invoiceId === collection.invoiceId) {
    s.pendingPaymentChange = null;
    if (outcome === 'paid') {
      applyItems(ctx, pending.items, pending.interval, pending.anchorReset);
      await ctx.persist('change_applied', { changeId: pending.changeId, invoiceId: collection.invoiceId });
    } else {
      await billing.voidInvoice({ tenantId: s.tenantId, invoiceId: collection.invoiceId });
      await ctx.persist('change_payment_failed', { changeId: pending.changeId, invoiceId: collection.invoiceId });
    }
    return;
  }
  const stillFailing = s.collections.some((c) => c.purpose === 'period' && c.attempts.length > 0);
  if ((s.status === 'past_due' || s.status === 'incomplete' || s.status === 'unpaid') && !stillFailing) s.status = 'active';
  await ctx.persist(outcome === 'paid' ? 'invoice_paid' : 'invoice_payment_failed', { invoiceId: collection.invoiceId });
}

/** Replaces the items; an interval change restarts the cycle now (its first period is already invoiced). */
export function applyItems(ctx: SubscriptionContext, items: SubscriptionContext['state']['items'], interval: SubscriptionContext['state']['interval'], anchorReset: boolean): void {
  const s = ctx.state;
  s.items = items;
  if (anchorReset) {
    s.anchor = Date.now();
    s.interval = interval;
    s.periodIndex = 0;
    s.billedPeriodIndex = 0;
  }
}

/**
 * A payment fact from a webhook. Our own charge results already reached us through the charge
 * activity; webhooks matter when the outcome happened later (the customer authenticated, or a
 * payment finally failed) and for refunds and disputes, which are recorded as events.
 */
export async function handlePaymentEvent(ctx: SubscriptionContext, event: PaymentEvent): Promise<void> {
  const s = ctx.state;
  const collection = s.collections.find((c) => c.invoiceId === event.invoiceId);
  if (event.kind === 'payment_refunded' || event.kind === 'payment_disputed') {
    await ctx.persist(event.kind, { invoiceId: event.invoiceId, chargeId: event.chargeId }, [
      { type: event.kind === 'payment_refunded' ? 'charge.refunded' : 'charge.disputed', dedupeKey: event.eventId, payload: { ...event } },
    ]);
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
    await billing.recordPaymentOutcome({ tenantId: s.tenantId, invoiceId: collection.invoiceId, attempt, outcome, nextRetryAt: null });
    await settleCollection(ctx, collection, 'paid');
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
    await settleCollection(ctx, collection, 'failed');
    return;
  }
  const step = nextDunningStep(s.policy.dunning, collection.attempts);
  collection.nextRetryAt = step.kind === 'retry' ? step.at : null;
  if (step.kind === 'final') await applyFinalAction(ctx, collection, step);
  else await markPastDue(ctx, collection);
}
