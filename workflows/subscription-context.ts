import { upsertSearchAttributes } from '@temporalio/workflow';
import type { OutboxEventInput } from '../activities/types.js';
import {
  BillingAttention,
  BillingStatus,
  CustomerId,
  DunningAttempt,
  NextBillingTime,
  PriceIds,
  TenantId,
} from './search-attributes.js';
import { billing } from './subscription-activities.js';
import { attentionOf, currentPeriod, nextAction, type SubscriptionState } from './subscription-state.js';

/**
 * The mutable heart of one workflow run: the state, a lock that serialises every change (updates
 * and the billing clock interleave at each await otherwise), and persistence.
 */
export class SubscriptionContext {
  private busy = false;
  private waiting: Array<() => void> = [];
  /** Set whenever something may have changed what the main loop should do next. */
  dirty = false;

  constructor(public state: SubscriptionState) {}

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
      return await work();
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
    const s = this.state;
    s.version += 1;
    const billed = s.status !== 'trialing' && s.billedPeriodIndex >= 0;
    const period = billed ? currentPeriod(s) : null;
    await billing.persistSubscriptionState({
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
    });
    this.updateSearchAttributes();
  }

  updateSearchAttributes(): void {
    const s = this.state;
    const next = nextAction(s);
    const dunningAttempts = s.collections.reduce((max, c) => Math.max(max, c.attempts.length), 0);
    upsertSearchAttributes([
      { key: BillingStatus, value: s.status },
      { key: CustomerId, value: s.customerId },
      { key: TenantId, value: s.tenantId },
      { key: PriceIds, value: s.items.map((item) => item.priceId) },
      { key: DunningAttempt, value: dunningAttempts },
      { key: NextBillingTime, value: next.at === null ? null : new Date(next.at) },
      { key: BillingAttention, value: attentionOf(s)?.reason ?? null },
    ]);
  }
}
