import type { PriceInfo } from '../activities/types.js';
import { assertItemsWithinBounds, MAX_QUANTITY } from '../src/billing/amount-bounds.js';
import { changeRequestFingerprint } from '../src/billing/subscriptions/change-fingerprint.js';
import { instantToIso, intervalsEqual, zeroMoney, type BillingInterval, type ProrationResult } from '../src/domain/index.js';
import { refuse } from './refusals.js';
import { applyItems, removeCollection } from './subscription-collection.js';
import type { SubscriptionContext } from './subscription-context.js';
import { issueInvoice } from './subscription-invoicing.js';
import { prorate, prorationLineDrafts } from './subscription-lines.js';
import type { ChangeItemsRequest, ChangeItemsResult, ChangePreview } from './subscription-messages.js';
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
    if (typeof item !== 'object' || item === null) {
      problems.push(`items[${index}] must be an object`);
      continue;
    }
    if (typeof item.priceId !== 'string' || item.priceId === '') problems.push(`items[${index}].priceId is required`);
    else if (priceIds.has(item.priceId)) problems.push(`items[${index}].priceId repeats ${item.priceId}`);
    else priceIds.add(item.priceId);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) problems.push(`items[${index}].quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
  }
  if (request.prorationBehavior !== undefined && !PRORATION_BEHAVIORS.includes(request.prorationBehavior)) problems.push('prorationBehavior must be create_prorations, always_invoice or none');
  if (request.effective !== undefined && request.effective !== 'now' && request.effective !== 'period_end') problems.push('effective must be now or period_end');
  if (problems.length > 0) throw refuse('invalid_change', problems.join('; '), { problems });
  const s = ctx.state;
  if (knownChange(ctx, request)) return; // a repeat: answered from memory
  if (s.status === 'canceled' || s.status === 'incomplete' || s.status === 'unpaid') {
    throw refuse('subscription_not_changeable', `a ${s.status} subscription cannot be changed`);
  }
  if (s.pendingPaymentChange) {
    throw refuse('change_pending_payment', `change ${s.pendingPaymentChange.changeId} is waiting for its payment`);
  }
}

/** The requested items with their prices, refused unless one period of them is chargeable. */
async function resolveItems(ctx: SubscriptionContext, request: ChangeItemsRequest): Promise<{ items: ItemState[]; interval: BillingInterval }> {
  const prices = await ctx.billing.loadPrices({ tenantId: ctx.state.tenantId, priceIds: request.items.map((i) => i.priceId) });
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
  // The rule the API applies at creation, for changes: one period must fit in one charge.
  assertItemsWithinBounds(items, ctx.state.currency);
  return { items, interval };
}

interface PlannedChange {
  items: ItemState[];
  interval: BillingInterval;
  proration: ProrationResult | null;
  preview: ChangePreview;
}

/** The single computation behind previewChange and changeItems; `at` is the requested instant. */
async function planChange(ctx: SubscriptionContext, request: ChangeItemsRequest, at: number): Promise<PlannedChange> {
  const s = ctx.state;
  const { items, interval } = await resolveItems(ctx, request);
  const behavior = request.prorationBehavior ?? 'create_prorations';
  const zero = zeroMoney(s.currency);
  if (s.status === 'trialing' || s.status === 'paused') {
    // Nothing has been paid for a trial or a paused period, so nothing is prorated.
    const preview: ChangePreview = { direction: 'unchanged', effective: 'now', effectiveAt: instantToIso(at), prorationBehavior: behavior, lines: [], credit: zero, charge: zero, net: zero, anchorReset: false };
    return { items, interval, proration: null, preview };
  }
  const period = currentPeriod(s);
  const proration = prorate(s.items, items, period, at, s.interval, interval);
  // An interval change restarts the cycle now, so it cannot wait for the period end.
  const effective = proration.anchorReset ? 'now' : request.effective ?? (proration.direction === 'downgrade' ? 'period_end' : 'now');
  const prorated = effective === 'now' && (behavior !== 'none' || proration.anchorReset);
  const preview: ChangePreview = {
    direction: proration.direction,
    effective,
    effectiveAt: instantToIso(effective === 'now' ? at : period.end),
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

export async function previewChange(ctx: SubscriptionContext, request: ChangeItemsRequest, at: number): Promise<ChangePreview> {
  return (await planChange(ctx, request, at)).preview;
}

/**
 * The answer already given to this changeId, if any. The same id asking for something else is
 * refused, never answered with the first result as if it had been applied.
 */
function knownChange(ctx: SubscriptionContext, request: ChangeItemsRequest): ChangeItemsResult | undefined {
  const known = ctx.state.recentChanges.find((r) => r.changeId === request.changeId);
  if (known === undefined) return undefined;
  if (known.requestFingerprint !== undefined && known.requestFingerprint !== changeRequestFingerprint(request)) {
    throw refuse('change_id_reused', `changeId ${request.changeId} was used for a different change; use a new changeId for this one`);
  }
  const { requestFingerprint: _asked, ...result } = known;
  return result;
}

function remember(ctx: SubscriptionContext, request: ChangeItemsRequest, result: ChangeItemsResult): ChangeItemsResult {
  ctx.state.recentChanges = [...ctx.state.recentChanges, { ...result, requestFingerprint: changeRequestFingerprint(request) }].slice(-RECENT_CHANGES_KEPT);
  return result;
}

/** Applies (or schedules) an item change requested at `at`; a repeated changeId returns its first answer. */
export async function changeItems(ctx: SubscriptionContext, request: ChangeItemsRequest, at: number): Promise<ChangeItemsResult> {
  const s = ctx.state;
  const known = knownChange(ctx, request);
  if (known) return known;
  const plan = await planChange(ctx, request, at);
  const base = { changeId: request.changeId, preview: plan.preview, invoiceId: null, declineCode: null };

  if (plan.preview.effective === 'period_end') {
    s.scheduledChange = { changeId: request.changeId, items: plan.items, prorationBehavior: plan.preview.prorationBehavior };
    const result = remember(ctx, request, { ...base, status: 'scheduled' });
    await ctx.persist('change_scheduled', at, { changeId: request.changeId, effectiveAt: plan.preview.effectiveAt });
    return result;
  }
  const immediateInvoice = plan.proration && (plan.preview.prorationBehavior === 'always_invoice' || plan.proration.anchorReset);
  if (!plan.proration || !immediateInvoice) {
    // `none`, a trial, or `create_prorations`: in force now; proration lines wait for the next invoice.
    if (plan.proration) s.pendingProrationLines.push(...prorationLineDrafts(plan.proration));
    applyItems(ctx, plan.items, plan.interval, false, at);
    s.scheduledChange = null;
    const result = remember(ctx, request, { ...base, status: 'applied' });
    await ctx.persist('change_applied', at, { changeId: request.changeId, direction: plan.preview.direction });
    return result;
  }
  return invoiceChangeNow(ctx, request, plan, at);
}

/**
 * `always_invoice` (and any interval change): the proration is invoiced and charged at once.
 * An upgrade that must be paid takes effect only once paid; a declined card leaves the
 * subscription as it was.
 */
async function invoiceChangeNow(ctx: SubscriptionContext, request: ChangeItemsRequest, plan: PlannedChange, at: number): Promise<ChangeItemsResult> {
  const s = ctx.state;
  const proration = plan.proration as ProrationResult;
  // Set when the invoice needed no payment and the change is in force already.
  const settled: { result: ChangeItemsResult | null } = { result: null };
  const { invoice, charge } = await issueInvoice(
    ctx,
    {
      sourceKey: `${s.subscriptionId}:change:${request.changeId}`,
      kind: 'proration',
      periodIndex: null,
      periodStart: at,
      periodEnd: proration.periodEnd,
      lines: prorationLineDrafts(proration),
    },
    { purpose: 'change', at },
    async (issued) => {
      const base = { changeId: request.changeId, preview: plan.preview, invoiceId: issued.invoiceId, declineCode: null };
      if (issued.status === 'paid') {
        // Nothing was due (credit covered it): in force at once, nothing to collect.
        applyItems(ctx, plan.items, plan.interval, proration.anchorReset, at);
        s.scheduledChange = null;
        settled.result = remember(ctx, request, { ...base, status: 'applied' });
        await ctx.persist('change_applied', at, { changeId: request.changeId, invoiceId: issued.invoiceId });
        return;
      }
      s.pendingPaymentChange = {
        changeId: request.changeId,
        items: plan.items,
        interval: plan.interval,
        invoiceId: issued.invoiceId,
        requestedAt: at,
        expiresAt: at + PENDING_PAYMENT_TTL_MS,
        anchorReset: proration.anchorReset,
        result: { ...base, status: 'pending_payment' },
      };
    },
  );
  if (settled.result !== null) return settled.result;
  const base = { changeId: request.changeId, preview: plan.preview, invoiceId: invoice.invoiceId, declineCode: null };
  if (charge?.status === 'succeeded' || charge?.status === 'already_paid') return remember(ctx, request, { ...base, status: 'applied' });
  if (charge?.status === 'requires_action') {
    await ctx.persist('change_pending_payment', at, { changeId: request.changeId, invoiceId: invoice.invoiceId });
    return remember(ctx, request, { ...base, status: 'pending_payment' });
  }
  const declineCode = charge === null ? null : charge.status === 'declined' ? charge.declineCode : charge.status === 'rejected' ? 'gateway_rejected' : charge.status;
  return remember(ctx, request, { ...base, status: 'payment_failed', declineCode });
}

/** A pending upgrade whose payment was never authenticated lapses at its expiry, and its invoice is voided. */
export async function expirePendingPaymentChange(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const pending = s.pendingPaymentChange;
  if (!pending) return;
  s.pendingPaymentChange = null;
  removeCollection(ctx, pending);
  await ctx.billing.voidInvoice({ tenantId: s.tenantId, invoiceId: pending.invoiceId });
  await ctx.persist('change_expired', pending.expiresAt, { changeId: pending.changeId, invoiceId: pending.invoiceId });
}
