import { refuse } from './refusals.js';
import type { PriceInfo } from '../activities/types.js';
import { instantToIso, intervalsEqual, prorateCancellation, zeroMoney, type BillingInterval, type ProrationResult } from '../src/domain/index.js';
import { billing } from './subscription-activities.js';
import { applyItems, collect } from './subscription-collection.js';
import type { SubscriptionContext } from './subscription-context.js';
import { prorate, prorationLineDrafts } from './subscription-lines.js';
import type { CancelRequest, ChangeItemsRequest, ChangeItemsResult, ChangePreview } from './subscription-messages.js';
import { currentPeriod, RECENT_CHANGES_KEPT, type ItemState } from './subscription-state.js';

/** How long an upgrade waits for its payment to be authenticated (Stripe's pending updates: 23 h). */
const PENDING_PAYMENT_TTL_MS = 23 * 60 * 60 * 1000;

const PRORATION_BEHAVIORS = ['create_prorations', 'always_invoice', 'none'];

/** Update validators run before anything is written to history: shape and state only, no I/O. */
export function validateChangeRequest(ctx: SubscriptionContext, request: ChangeItemsRequest): void {
  const problems: string[] = [];
  if (typeof request.changeId !== 'string' || request.changeId.length === 0 || request.changeId.length > 200) problems.push('changeId must be a non-empty string');
  if (!Array.isArray(request.items) || request.items.length === 0 || request.items.length > 20) problems.push('items must list 1 to 20 items');
  const priceIds = new Set<string>();
  for (const [index, item] of (Array.isArray(request.items) ? request.items : []).entries()) {
    if (typeof item.priceId !== 'string' || item.priceId === '') problems.push(`items[${index}].priceId is required`);
    else if (priceIds.has(item.priceId)) problems.push(`items[${index}].priceId repeats ${item.priceId}`);
    else priceIds.add(item.priceId);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1 || item.quantity > 1_000_000) problems.push(`items[${index}].quantity must be a whole number from 1 to 1000000`);
  }
  if (request.prorationBehavior !== undefined && !PRORATION_BEHAVIORS.includes(request.prorationBehavior)) problems.push('prorationBehavior must be create_prorations, always_invoice or none');
  if (request.effective !== undefined && request.effective !== 'now' && request.effective !== 'period_end') problems.push('effective must be now or period_end');
  if (problems.length > 0) throw refuse('invalid_change', problems.join('; '), { problems });
  const s = ctx.state;
  if (s.recentChanges.some((r) => r.changeId === request.changeId)) return; // a repeat: answered from memory
  if (s.status === 'canceled' || s.status === 'incomplete' || s.status === 'unpaid') {
    throw refuse('subscription_not_changeable', `a ${s.status} subscription cannot be changed`);
  }
  if (s.pendingPaymentChange) {
    throw refuse('change_pending_payment', `change ${s.pendingPaymentChange.changeId} is waiting for its payment`);
  }
}

async function resolveItems(ctx: SubscriptionContext, request: ChangeItemsRequest): Promise<{ items: ItemState[]; interval: BillingInterval }> {
  const prices = await billing.loadPrices({ tenantId: ctx.state.tenantId, priceIds: request.items.map((i) => i.priceId) });
  const byId = new Map<string, PriceInfo>(prices.map((p) => [p.priceId, p]));
  const items = request.items.map((i) => {
    const price = byId.get(i.priceId);
    if (!price) throw refuse('price_not_found', `price ${i.priceId} not found`);
    if (price.currency.toUpperCase() !== ctx.state.currency.toUpperCase()) {
      throw refuse('currency_mismatch', `price ${i.priceId} is in ${price.currency}, the subscription in ${ctx.state.currency}`);
    }
    return { priceId: i.priceId, quantity: i.quantity, price };
  });
  const interval = items[0]?.price.interval ?? ctx.state.interval;
  if (items.some((i) => !intervalsEqual(i.price.interval, interval))) {
    throw refuse('interval_mismatch', 'all items of a subscription must renew on the same interval');
  }
  return { items, interval };
}

interface PlannedChange {
  items: ItemState[];
  interval: BillingInterval;
  proration: ProrationResult | null;
  preview: ChangePreview;
}

/** The single computation behind previewChange and changeItems. */
async function planChange(ctx: SubscriptionContext, request: ChangeItemsRequest): Promise<PlannedChange> {
  const s = ctx.state;
  const { items, interval } = await resolveItems(ctx, request);
  const now = Date.now();
  const behavior = request.prorationBehavior ?? 'create_prorations';
  const zero = zeroMoney(s.currency);
  if (s.status === 'trialing' || s.status === 'paused') {
    // Nothing has been paid for a trial or a paused period, so nothing is prorated.
    const preview: ChangePreview = { direction: 'unchanged', effective: 'now', effectiveAt: instantToIso(now), prorationBehavior: behavior, lines: [], credit: zero, charge: zero, net: zero, anchorReset: false };
    return { items, interval, proration: null, preview };
  }
  const period = currentPeriod(s);
  const proration = prorate(s.items, items, period, now, s.interval, interval);
  // An interval change restarts the cycle now, so it cannot wait for the period end.
  const effective = proration.anchorReset ? 'now' : request.effective ?? (proration.direction === 'downgrade' ? 'period_end' : 'now');
  const prorated = effective === 'now' && (behavior !== 'none' || proration.anchorReset);
  const preview: ChangePreview = {
    direction: proration.direction,
    effective,
    effectiveAt: instantToIso(effective === 'now' ? now : period.end),
    prorationBehavior: behavior,
    lines: prorated
      ? proration.lines.map((line) => ({
          priceId: line.itemKey,
          kind: line.kind,
          description: line.description,
          amount: line.amount,
          quantity: line.quantity,
          periodStart: instantToIso(line.periodStart),
          periodEnd: instantToIso(line.periodEnd),
        }))
      : [],
    credit: prorated ? proration.credit : zero,
    charge: prorated ? proration.charge : zero,
    net: prorated ? proration.net : zero,
    anchorReset: proration.anchorReset,
  };
  return { items, interval, proration: prorated ? proration : null, preview };
}

export async function previewChange(ctx: SubscriptionContext, request: ChangeItemsRequest): Promise<ChangePreview> {
  return (await planChange(ctx, request)).preview;
}

function remember(ctx: SubscriptionContext, result: ChangeItemsResult): ChangeItemsResult {
  ctx.state.recentChanges = [...ctx.state.recentChanges, result].slice(-RECENT_CHANGES_KEPT);
  return result;
}

export async function changeItems(ctx: SubscriptionContext, request: ChangeItemsRequest): Promise<ChangeItemsResult> {
  const s = ctx.state;
  const known = s.recentChanges.find((r) => r.changeId === request.changeId);
  if (known) return known;
  const plan = await planChange(ctx, request);
  const base = { changeId: request.changeId, preview: plan.preview, invoiceId: null, declineCode: null };

  if (plan.preview.effective === 'period_end') {
    s.scheduledChange = { changeId: request.changeId, items: plan.items, prorationBehavior: plan.preview.prorationBehavior };
    const result = remember(ctx, { ...base, status: 'scheduled' });
    await ctx.persist('change_scheduled', { changeId: request.changeId, effectiveAt: plan.preview.effectiveAt });
    return result;
  }
  const immediateInvoice = plan.proration && (plan.preview.prorationBehavior === 'always_invoice' || plan.proration.anchorReset);
  if (!plan.proration || !immediateInvoice) {
    // `none`, a trial, or `create_prorations`: in force now; proration lines wait for the next invoice.
    if (plan.proration) s.pendingProrationLines.push(...prorationLineDrafts(plan.proration));
    applyItems(ctx, plan.items, plan.interval, false);
    s.scheduledChange = null;
    const result = remember(ctx, { ...base, status: 'applied' });
    await ctx.persist('change_applied', { changeId: request.changeId, direction: plan.preview.direction });
    return result;
  }
  return invoiceChangeNow(ctx, request, plan);
}

/**
 * `always_invoice` (and any interval change): the proration is invoiced and charged at once.
 * An upgrade that must be paid takes effect only once paid; a declined card leaves the
 * subscription as it was.
 */
async function invoiceChangeNow(ctx: SubscriptionContext, request: ChangeItemsRequest, plan: PlannedChange): Promise<ChangeItemsResult> {
  const s = ctx.state;
  const proration = plan.proration as ProrationResult;
  let invoice = await billing.createInvoice({
    tenantId: s.tenantId,
    customerId: s.customerId,
    subscriptionId: s.subscriptionId,
    sourceKey: `${s.subscriptionId}:change:${request.changeId}`,
    kind: 'proration',
    currency: s.currency,
    periodIndex: null,
    periodStart: Date.now(),
    periodEnd: proration.periodEnd,
    lines: prorationLineDrafts(proration),
  });
  invoice = await billing.applyCreditBalance({ tenantId: s.tenantId, invoiceId: invoice.invoiceId });
  invoice = await billing.finalizeInvoice({ tenantId: s.tenantId, invoiceId: invoice.invoiceId });
  const base = { changeId: request.changeId, preview: plan.preview, invoiceId: invoice.invoiceId, declineCode: null };
  if (invoice.status === 'paid') {
    applyItems(ctx, plan.items, plan.interval, proration.anchorReset);
    s.scheduledChange = null;
    const result = remember(ctx, { ...base, status: 'applied' });
    await ctx.persist('change_applied', { changeId: request.changeId, invoiceId: invoice.invoiceId });
    return result;
  }
  const pendingResult: ChangeItemsResult = { ...base, status: 'pending_payment' };
  s.pendingPaymentChange = {
    changeId: request.changeId,
    items: plan.items,
    interval: plan.interval,
    invoiceId: invoice.invoiceId,
    expiresAt: Date.now() + PENDING_PAYMENT_TTL_MS,
    anchorReset: proration.anchorReset,
    result: pendingResult,
  };
  const charge = await collect(ctx, invoice, 'change');
  if (charge?.status === 'succeeded' || charge?.status === 'already_paid') return remember(ctx, { ...base, status: 'applied' });
  if (charge?.status === 'requires_action') {
    await ctx.persist('change_pending_payment', { changeId: request.changeId, invoiceId: invoice.invoiceId });
    return remember(ctx, pendingResult);
  }
  const declineCode = charge && 'declineCode' in charge ? charge.declineCode : charge?.status ?? null;
  return remember(ctx, { ...base, status: 'payment_failed', declineCode });
}

/** A pending upgrade whose payment was never authenticated lapses, and its invoice is voided. */
export async function expirePendingPaymentChange(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const pending = s.pendingPaymentChange;
  if (!pending || Date.now() < pending.expiresAt) return;
  s.pendingPaymentChange = null;
  s.collections = s.collections.filter((c) => c.invoiceId !== pending.invoiceId);
  await billing.voidInvoice({ tenantId: s.tenantId, invoiceId: pending.invoiceId });
  await ctx.persist('change_expired', { changeId: pending.changeId, invoiceId: pending.invoiceId });
}

export function validateCancel(ctx: SubscriptionContext, request: CancelRequest): void {
  if (request.mode !== 'now' && request.mode !== 'period_end') throw refuse('invalid_cancel', 'mode must be now or period_end');
  if (request.prorate !== undefined && typeof request.prorate !== 'boolean') throw refuse('invalid_cancel', 'prorate must be a boolean');
  if (request.prorate && request.mode !== 'now') throw refuse('invalid_cancel', 'prorate applies only to mode now');
  if (ctx.state.status === 'canceled') throw refuse('subscription_canceled', 'the subscription is already canceled');
}

export async function cancel(ctx: SubscriptionContext, request: CancelRequest): Promise<void> {
  const s = ctx.state;
  if (request.mode === 'period_end') {
    if (s.cancelAtPeriodEnd) return;
    s.cancelAtPeriodEnd = true;
    await ctx.persist('cancel_scheduled', { cancelAt: s.status === 'trialing' ? s.trialEnd : currentPeriod(s).end });
    return;
  }
  const now = Date.now();
  let credit = zeroMoney(s.currency);
  const period = currentPeriod(s);
  const paidForCurrentPeriod = s.status !== 'trialing' && s.billedPeriodIndex === s.periodIndex && !s.collections.some((c) => c.purpose === 'period');
  // Credit only unused time of a paid period we are inside (not a period still to start).
  if (request.prorate && paidForCurrentPeriod && now >= period.start && now < period.end) {
    const cancellation = prorateCancellation({
      period: { start: period.start, end: period.end },
      at: now,
      interval: s.interval,
      items: s.items.filter((i) => i.price.usageType === 'licensed').map((i) => ({ key: i.priceId, price: i.price.definition, quantity: i.quantity })),
    });
    credit = { amount: -cancellation.credit.amount, currency: cancellation.credit.currency };
    if (credit.amount > 0) {
      await billing.creditCustomer({
        tenantId: s.tenantId,
        customerId: s.customerId,
        amount: credit,
        reason: 'prorated_cancellation',
        sourceKey: `${s.subscriptionId}:cancel:credit`,
        invoiceId: null,
      });
    }
  }
  s.status = 'canceled';
  s.canceledAt = now;
  s.endedAt = now;
  s.collections = [];
  s.scheduledChange = null;
  s.pendingPaymentChange = null;
  await ctx.persist('canceled', { mode: 'now', credit });
}

/** At the period (or trial) end: the cancellation scheduled with `period_end` happens. */
export async function cancelAtBoundary(ctx: SubscriptionContext, at: number): Promise<void> {
  const s = ctx.state;
  s.status = 'canceled';
  s.canceledAt = at;
  s.endedAt = at;
  s.scheduledChange = null;
  await ctx.persist('canceled', { mode: 'period_end' });
}

export function validatePause(ctx: SubscriptionContext): void {
  const status = ctx.state.status;
  if (status !== 'active' && status !== 'past_due') {
    throw refuse('subscription_not_pausable', `only an active or past_due subscription can be paused (this one is ${status})`);
  }
}

export async function pause(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  s.status = 'paused';
  s.pausedAt = Date.now();
  await ctx.persist('paused');
}

export function validateResume(ctx: SubscriptionContext): void {
  if (ctx.state.status !== 'paused') throw refuse('subscription_not_paused', `only a paused subscription can be resumed (this one is ${ctx.state.status})`);
}

/**
 * Resuming restarts the billing cycle now (Stripe's `billing_cycle_anchor: now`): a new period is
 * invoiced, less a credit for the part of the period paid before the pause and never used.
 */
export async function resume(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const period = currentPeriod(s);
  const paidForPausedPeriod = s.billedPeriodIndex === s.periodIndex && !s.collections.some((c) => c.purpose === 'period');
  if (s.pausedAt !== null && paidForPausedPeriod && s.pausedAt < period.end) {
    const unused = prorate(s.items, [], period, Math.max(s.pausedAt, period.start), s.interval, s.interval);
    s.pendingProrationLines.push(...prorationLineDrafts(unused));
  }
  s.status = s.collections.some((c) => c.purpose === 'period' && c.attempts.length > 0) ? 'past_due' : 'active';
  s.pausedAt = null;
  s.anchor = Date.now();
  s.periodIndex = 0;
  s.billedPeriodIndex = -1;
  await ctx.persist('resumed');
}
