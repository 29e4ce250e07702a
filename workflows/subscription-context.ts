import { ActivityFailure, ApplicationFailure, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { BillingActivities, OutboxEventInput, PersistSubscriptionStateInput } from '../activities/types.js';
import {
  BillingAttention,
  BillingStatus,
  CustomerId,
  DunningAttempt,
  NextBillingTime,
  NextRetryTime,
  OpenInvoiceId,
  PastDueSince,
  PriceIds,
  TenantId,
} from './search-attributes.js';
import { nextBillingAt, openCollection, operatorDetails, pastDueSince } from './subscription-operator-view.js';
import { billing, chargeActivity, localBilling } from './subscription-activities.js';
import { attentionOf, hasBilledPeriod, servicePeriod, nextRetryAt, type SubscriptionState } from './subscription-state.js';

/** The activities the workflow calls; the subscription's own writes go through `persist`. */
export type BillingCalls = Omit<BillingActivities, 'persistSubscriptionState' | 'persistSubscriptionStates'>;

/** A refusal (a write that can never succeed): keeping it queued would block every later write. */
function isRefusal(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

/**
 * The mutable heart of one workflow run: the state, a lock that serialises every change (updates
 * and the billing clock interleave at each await otherwise), persistence, and the activities.
 *
 * With `fewerRoundTrips` (every run that started since the `fewer-round-trips` patch) the
 * database steps are local activities, and `persist` queues the state instead of writing it at
 * once: the queue travels with the next step that writes (issuing an invoice, charging,
 * recording a payment — written first, in that step's transaction) and whatever is left is
 * written when the lock is released, so an update's answer and the end of a billing step always
 * find the database current. One step, one round trip at most.
 */
export class SubscriptionContext {
  private busy = false;
  private waiting: Array<() => void> = [];
  /** Set whenever something may have changed what the main loop should do next. */
  dirty = false;
  /** States persisted but not yet written, oldest first. */
  private unwritten: PersistSubscriptionStateInput[] = [];
  readonly billing: BillingCalls;

  constructor(
    public state: SubscriptionState,
    readonly fewerRoundTrips: boolean,
  ) {
    this.billing = fewerRoundTrips ? this.localCalls() : billing;
  }

  /** Whether states are waiting to be written (the main loop retries soon if a write failed). */
  get hasUnwritten(): boolean {
    return this.unwritten.length > 0;
  }

  /** Writes the queued states now, in one transaction. */
  async flush(): Promise<void> {
    if (this.unwritten.length === 0) return;
    await this.withUnwritten((pending) => localBilling.persistSubscriptionStates({ pending }));
  }

  /**
   * Hands the queued states to `write`, which writes them before its own work; they leave the
   * queue once it succeeds. A refusal drops them (they can never be written, and the workflow's
   * state is the truth either way); any other failure keeps them for the next write.
   */
  private async withUnwritten<T>(write: (pending: PersistSubscriptionStateInput[]) => Promise<T>): Promise<T> {
    const pending = [...this.unwritten];
    try {
      const result = await write(pending);
      this.unwritten.splice(0, pending.length);
      return result;
    } catch (error) {
      if (isRefusal(error)) this.unwritten.splice(0, pending.length);
      throw error;
    }
  }

  private localCalls(): BillingCalls {
    const flushed =
      <I, O>(call: (input: I) => Promise<O>) =>
      async (input: I): Promise<O> => {
        await this.flush();
        return call(input);
      };
    return {
      loadSubscription: flushed((input) => localBilling.loadSubscription(input)),
      loadSubscriptionStart: flushed((input) => localBilling.loadSubscriptionStart(input)),
      loadPrices: flushed((input) => localBilling.loadPrices(input)),
      loadBillingPolicy: flushed((input) => localBilling.loadBillingPolicy(input)),
      hasPaymentMethod: flushed((input) => localBilling.hasPaymentMethod(input)),
      createInvoice: flushed((input) => localBilling.createInvoice(input)),
      repriceDraftInvoice: flushed((input) => localBilling.repriceDraftInvoice(input)),
      applyCreditBalance: flushed((input) => localBilling.applyCreditBalance(input)),
      finalizeInvoice: flushed((input) => localBilling.finalizeInvoice(input)),
      voidInvoice: flushed((input) => localBilling.voidInvoice(input)),
      creditOpenInvoice: flushed((input) => localBilling.creditOpenInvoice(input)),
      markInvoiceUncollectible: flushed((input) => localBilling.markInvoiceUncollectible(input)),
      creditCustomer: flushed((input) => localBilling.creditCustomer(input)),
      // The steps that write first carry the queue (callers never pass `pending` themselves).
      issueInvoice: (input) => this.withUnwritten((pending) => localBilling.issueInvoice({ ...input, pending })),
      issueThresholdInvoice: (input) => this.withUnwritten((pending) => localBilling.issueThresholdInvoice({ ...input, pending })),
      chargeInvoice: (input) => this.withUnwritten((pending) => chargeActivity.chargeInvoice({ ...input, pending })),
      recordPaymentOutcome: (input) => this.withUnwritten((pending) => localBilling.recordPaymentOutcome({ ...input, pending })),
    };
  }

  /**
   * Runs `work` alone: concurrent updates and the billing clock take turns. Work done for a
   * handler marks the state dirty so the main loop looks again at what is due.
   */
  async exclusive<T>(work: () => Promise<T>, markDirty = true): Promise<T> {
    // A FIFO hand-off, not `condition(() => !busy)`: conditions resolve together, so several
    // waiters would wake at once and interleave.
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      let result: T;
      try {
        result = await work();
      } catch (error) {
        // What the failed work persisted before failing happened: write it (or keep it queued).
        await this.flush().catch(() => undefined);
        throw error;
      }
      await this.flush();
      return result;
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
      if (markDirty) this.dirty = true;
    }
  }

  /**
   * Writes the subscription row, its items, outbox events and an audit entry; then search
   * attributes. `at` is the billing instant the change took effect (scheduled or requested).
   */
  async persist(action: string, at: number, details: Record<string, unknown> = {}, extraEvents: OutboxEventInput[] = []): Promise<void> {
    const input = this.nextPersist(action, at, details, extraEvents);
    if (this.fewerRoundTrips) this.unwritten.push(input);
    else await billing.persistSubscriptionState(input);
    this.updateSearchAttributes();
  }

  private nextPersist(action: string, at: number, details: Record<string, unknown>, extraEvents: OutboxEventInput[]): PersistSubscriptionStateInput {
    this.state.version += 1;
    return persistInputOf(this.state, action, at, details, extraEvents);
  }


  updateSearchAttributes(): void {
    const s = this.state;
    const dunningAttempts = s.collections.reduce((max, c) => Math.max(max, c.attempts.length), 0);
    const retry = nextRetryAt(s);
    const billingAt = nextBillingAt(s);
    const behindSince = pastDueSince(s);
    upsertSearchAttributes([
      { key: BillingStatus, value: s.status },
      { key: CustomerId, value: s.customerId },
      { key: TenantId, value: s.tenantId },
      { key: PriceIds, value: s.items.map((item) => item.priceId) },
      { key: DunningAttempt, value: dunningAttempts },
      { key: NextBillingTime, value: billingAt === null ? null : new Date(billingAt) },
      { key: BillingAttention, value: attentionOf(s)?.reason ?? null },
      { key: OpenInvoiceId, value: openCollection(s)?.invoiceId ?? null },
      { key: NextRetryTime, value: retry === null ? null : new Date(retry) },
      { key: PastDueSince, value: behindSince === null ? null : new Date(behindSince) },
    ]);
    // What the Temporal UI shows for the workflow (served by the SDK's metadata query; no history event).
    setCurrentDetails(operatorDetails(s));
  }
}

/** The write of the subscription row, its items, outbox events and an audit entry for state `s`. */
function persistInputOf(s: SubscriptionState, action: string, at: number, details: Record<string, unknown>, extraEvents: OutboxEventInput[]): PersistSubscriptionStateInput {
  // The stub's bounds are always written: a workflow started again from the row finds its start.
  const billed = s.status !== 'trialing' && (hasBilledPeriod(s) || s.periodIndex === -1);
  const period = billed ? servicePeriod(s) : null;
  return {
    tenantId: s.tenantId,
    subscriptionId: s.subscriptionId,
    stateVersion: s.version,
    state: {
      status: s.status,
      billingAnchor: s.anchor,
      interval: { unit: s.interval.unit, count: s.interval.count },
      currentPeriodIndex: s.periodIndex,
      currentPeriodStart: period?.start ?? null,
      currentPeriodEnd: period?.end ?? null,
      trialEnd: s.trialEnd,
      cancelAtPeriodEnd: s.cancelAtPeriodEnd,
      canceledAt: s.canceledAt,
      endedAt: s.endedAt,
      pausedAt: s.pausedAt,
      pendingChange: s.scheduledChange
        ? { kind: 'scheduled', changeId: s.scheduledChange.changeId, items: s.scheduledChange.items.map(({ priceId, quantity }) => ({ priceId, quantity })) }
        : s.pendingPaymentChange
          ? { kind: 'pending_payment', changeId: s.pendingPaymentChange.changeId, invoiceId: s.pendingPaymentChange.invoiceId }
          : null,
    },
    items: s.items.map(({ priceId, quantity }) => ({ priceId, quantity })),
    events: [
      {
        type: 'subscription.updated',
        dedupeKey: `${s.subscriptionId}:v${s.version}`,
        payload: { subscriptionId: s.subscriptionId, status: s.status, action, at: new Date(at).toISOString(), ...details },
      },
      ...extraEvents,
    ],
    audit: { action, details: { status: s.status, at: new Date(at).toISOString(), ...details } },
  };
}
