import type { BillingPolicy, InvoiceLineInput, InvoiceUsage } from '../activities/types.js';
import { billingPeriod, instantToIso, sumMoney, type BillingInterval, type BillingPeriod } from '../src/domain/index.js';
import type { AttentionView, ChangeItemsResult, NextActionView, ProrationBehavior, SubscriptionView } from './subscription-messages.js';
import type { AttentionFlagReason } from './attention-flags.js';
import type { SubscriptionStatus } from './subscription-status.js';
import type { ItemState } from './subscription-item.js';
import type { UsageState } from './subscription-usage.js';

export type { ItemState } from './subscription-item.js';

/** A line the workflow priced (recurring fee, proration); the invoice adds discount and tax lines. */
export type InvoiceLineDraft = InvoiceLineInput;

/** An item as the workflow prices it: the price's full definition travels with it. */
export interface DunningAttemptRecord {
  at: number;
  outcome: 'succeeded' | 'failed';
  declineCode: string | null;
}

/** Why collection of one invoice stopped until an operator acts (void it, pay it again, or cancel). */
export interface CollectionAttention {
  reason: 'gateway_rejected';
  message: string;
  since: number;
}

/** The invoice being collected, and where dunning stands with it. */
export interface CollectionState {
  invoiceId: string;
  /** The invoice's number, for what operators read (timer names, details); absent in older states. */
  invoiceNumber?: string | null;
  /** What it still owes, minor units of the subscription's currency; absent in older states. */
  amountDue?: number;
  /**
   * What paying it unlocks: a period's service, a change waiting for payment, or nothing (the
   * final invoice of an ended subscription: charged once, never dunned).
   */
  purpose: 'period' | 'change' | 'final';
  attempts: DunningAttemptRecord[];
  nextRetryAt: number | null;
  /** The customer must act (authenticate, add a card); retries wait for them or the schedule. */
  waitingForCustomer: boolean;
  /** Set when the gateway refused the charge itself: no retry is scheduled. */
  attention: CollectionAttention | null;
}

/**
 * A billing step failed unexpectedly (a bug, a row no operation can use). The workflow does not
 * fail: it records this, says so in search attributes and an outbox event, and tries the step
 * again after a back-off, or as soon as an update or signal arrives.
 */
export interface StepFailure {
  message: string;
  since: number;
  failures: number;
  /** When the step is tried again; null once the back-off is spent (only an operator's action retries). */
  retryAt: number | null;
}

export interface ScheduledChange {
  changeId: string;
  items: ItemState[];
  prorationBehavior: ProrationBehavior;
}

export interface PendingPaymentChange {
  changeId: string;
  items: ItemState[];
  interval: BillingInterval;
  invoiceId: string;
  /** The instant the change was requested: its proration splits the period there. */
  requestedAt: number;
  expiresAt: number;
  anchorReset: boolean;
  result: ChangeItemsResult;
}

/**
 * Everything the workflow knows, carried whole into the next run at continue-as-new. Plain JSON:
 * instants are epoch milliseconds.
 */
export interface SubscriptionState {
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  currency: string;
  /** Increases on every persisted change; the database ignores older writes. */
  version: number;
  status: SubscriptionStatus;
  interval: BillingInterval;
  anchor: number;
  periodIndex: number;
  /** The last period whose recurring invoice exists (-1: none yet). */
  billedPeriodIndex: number;
  trialEnd: number | null;
  /**
   * A start aligned to a billing cycle anchor: while `periodIndex` is -1 the subscription is in
   * its stub period, from `start` to the anchor, charged prorated or (not `prorated`) free.
   * Absent in states carried from before anchors existed.
   */
  stub?: StubState | null;
  items: ItemState[];
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  endedAt: number | null;
  pausedAt: number | null;
  scheduledChange: ScheduledChange | null;
  pendingPaymentChange: PendingPaymentChange | null;
  pendingProrationLines: InvoiceLineDraft[];
  /** Invoices being collected, oldest first; each has its own dunning schedule. */
  collections: CollectionState[];
  policy: BillingPolicy;
  /** Recent change ids and their results, so a repeated update returns the first answer. */
  /** The last changes answered, each with what it asked for (absent in states kept before it was). */
  recentChanges: Array<ChangeItemsResult & { requestFingerprint?: string }>;
  /** Recent payment event ids, so a redelivered webhook changes nothing. */
  seenPaymentEvents: string[];
  stepFailure: StepFailure | null;
  /** Raised from outside (see AttentionFlag); absent in states carried from before flags existed. */
  flags?: Array<{ reason: AttentionFlagReason; message: string; since: number }>;
  usage: UsageState;
  /** An invoice with usage, held as a draft until the grace period ends. */
  heldDraft: HeldDraft | null;
  /** Spend-threshold invoices issued in period `periodIndex` (their sequence numbers their source keys); absent before the first. */
  thresholdInvoices?: { periodIndex: number; count: number };
}

/**
 * A drafted invoice that bills usage, waiting for late events until `finalizeAt`; it is then
 * priced again from the same drafted lines and usage, finalized and collected.
 */
export interface HeldDraft {
  invoiceId: string;
  purpose: 'period' | 'final';
  finalizeAt: number;
  lines: InvoiceLineDraft[];
  usage: InvoiceUsage;
  periodIndex: number | null;
}

export interface StubState {
  start: number;
  prorated: boolean;
}

export const RECENT_CHANGES_KEPT = 50;
export const SEEN_EVENTS_KEPT = 200;

/**
 * The current period at its full length. In the stub (index -1) that is the whole period ending
 * at the anchor, so a change or cancellation inside the stub prorates against the same length the
 * stub was charged by.
 */
export function currentPeriod(state: SubscriptionState): BillingPeriod {
  return billingPeriod({ anchor: state.anchor, interval: state.interval }, state.periodIndex);
}

/** The part of the current period the subscription runs in: the stub starts at the subscription's start. */
export function servicePeriod(state: SubscriptionState): BillingPeriod {
  const period = currentPeriod(state);
  const stubStart = state.periodIndex === -1 ? state.stub?.start : undefined;
  return stubStart === undefined ? period : { ...period, start: Math.max(period.start, stubStart) };
}

/** Whether some period of the current cycle has been invoiced (the stub is period -1, others count from 0). */
export function hasBilledPeriod(state: SubscriptionState): boolean {
  return state.billedPeriodIndex >= Math.min(0, state.periodIndex);
}

/** Period `index` of the subscription's interval from `anchor`. */
export function billingPeriodAt(state: SubscriptionState, anchor: number, index: number): BillingPeriod {
  return billingPeriod({ anchor, interval: state.interval }, index);
}

/**
 * Statuses in which each new period is invoiced. An unpaid subscription's periods pass without
 * invoices until a new payment method reactivates it (then the current period is billed).
 */
export function isBilling(status: SubscriptionStatus): boolean {
  return status === 'active' || status === 'past_due';
}

/** What needs an operator, if anything: a failed step first, then a rejected invoice. */
export function attentionOf(state: SubscriptionState): AttentionView | null {
  const failure = state.stepFailure;
  if (failure) {
    return { reason: 'workflow_error', message: failure.message, since: instantToIso(failure.since), invoiceId: null, retryAt: failure.retryAt === null ? null : instantToIso(failure.retryAt) };
  }
  const rejected = state.collections.find((c) => c.attention !== null);
  if (rejected?.attention) {
    return { reason: rejected.attention.reason, message: rejected.attention.message, since: instantToIso(rejected.attention.since), invoiceId: rejected.invoiceId, retryAt: null };
  }
  const flag = state.flags?.[0];
  if (flag) return { reason: flag.reason, message: flag.message, since: instantToIso(flag.since), invoiceId: null, retryAt: null };
  return null;
}

export function nextAction(state: SubscriptionState): NextActionView {
  const at = (ms: number | null): string | null => (ms === null ? null : instantToIso(ms));
  if (state.stepFailure) return { kind: state.stepFailure.retryAt === null ? 'none' : 'step_retry', at: at(state.stepFailure.retryAt) };
  if (state.status === 'canceled' || state.status === 'paused') return { kind: 'none', at: null };
  if (state.status === 'trialing') return { kind: state.cancelAtPeriodEnd ? 'cancellation' : 'trial_end', at: at(state.trialEnd) };
  const candidates: Array<{ kind: NextActionView['kind']; at: number }> = [];
  const retry = nextRetryAt(state);
  if (retry !== null) candidates.push({ kind: 'payment_retry', at: retry });
  if (state.pendingPaymentChange) candidates.push({ kind: 'pending_payment_expiry', at: state.pendingPaymentChange.expiresAt });
  const boundaryKind = state.cancelAtPeriodEnd ? 'cancellation' : state.scheduledChange ? 'scheduled_change' : 'renewal';
  candidates.push({ kind: boundaryKind, at: currentPeriod(state).end });
  candidates.sort((a, b) => a.at - b.at);
  const first = candidates[0];
  return first ? { kind: first.kind, at: at(first.at) } : { kind: 'none', at: null };
}

/** The earliest scheduled retry among the invoices being collected, or null. */
export function nextRetryAt(state: SubscriptionState): number | null {
  const times = state.collections.map((c) => c.nextRetryAt).filter((t): t is number => t !== null);
  return times.length === 0 ? null : Math.min(...times);
}

export function viewOf(state: SubscriptionState): SubscriptionView {
  const iso = (ms: number | null): string | null => (ms === null ? null : instantToIso(ms));
  const billedPeriod = state.status !== 'trialing' && state.status !== 'canceled' && hasBilledPeriod(state) ? servicePeriod(state) : null;
  return {
    tenantId: state.tenantId,
    subscriptionId: state.subscriptionId,
    customerId: state.customerId,
    status: state.status,
    currency: state.currency,
    interval: state.interval,
    billingAnchor: instantToIso(state.anchor),
    currentPeriod: billedPeriod
      ? { index: billedPeriod.index, start: instantToIso(billedPeriod.start), end: instantToIso(billedPeriod.end) }
      : null,
    trialEnd: iso(state.trialEnd),
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    canceledAt: iso(state.canceledAt),
    endedAt: iso(state.endedAt),
    pausedAt: iso(state.pausedAt),
    items: state.items.map(({ priceId, quantity }) => ({ priceId, quantity })),
    scheduledChange: state.scheduledChange
      ? {
          changeId: state.scheduledChange.changeId,
          items: state.scheduledChange.items.map(({ priceId, quantity }) => ({ priceId, quantity })),
          effectiveAt: instantToIso(currentPeriod(state).end),
        }
      : null,
    pendingPaymentChange: state.pendingPaymentChange
      ? {
          changeId: state.pendingPaymentChange.changeId,
          items: state.pendingPaymentChange.items.map(({ priceId, quantity }) => ({ priceId, quantity })),
          invoiceId: state.pendingPaymentChange.invoiceId,
          expiresAt: instantToIso(state.pendingPaymentChange.expiresAt),
        }
      : null,
    pendingProrations: sumMoney(state.pendingProrationLines.map((line) => line.amount), state.currency),
    collections: state.collections.map((c) => ({
      invoiceId: c.invoiceId,
      attempts: c.attempts.length,
      nextRetryAt: iso(c.nextRetryAt),
      waitingForCustomer: c.waitingForCustomer,
      lastDeclineCode: c.attempts.at(-1)?.declineCode ?? null,
      attention: c.attention === null ? null : { reason: c.attention.reason, message: c.attention.message, since: instantToIso(c.attention.since) },
    })),
    nextAction: nextAction(state),
    attention: attentionOf(state),
  };
}
