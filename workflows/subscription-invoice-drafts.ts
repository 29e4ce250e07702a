import type { BillingPeriod } from '../src/domain/index.js';
import type { InvoiceDraft } from './subscription-invoicing.js';
import { prorate, prorationLineDrafts, recurringLines } from './subscription-lines.js';
import { billingPeriodAt, currentPeriod, servicePeriod, type InvoiceLineDraft, type ItemState, type SubscriptionState } from './subscription-state.js';
import { hasUsage, reconcileSince, usageWindowsUntil } from './subscription-usage.js';

/**
 * What an invoice of the subscription contains, written once: the issuing step and the
 * upcoming-invoice preview both take their invoice from here, so a preview is what gets issued.
 */

/**
 * What a period charges in advance: its recurring fees; for the stub (period -1, from the start
 * to the anchor) the remaining time of the full period ending at the anchor, or nothing when the
 * stub is free. Stripe's stub is the same proration.
 */
function advanceLines(s: SubscriptionState, period: BillingPeriod, items: readonly ItemState[]): InvoiceLineDraft[] {
  if (period.index !== -1) return recurringLines(items, period);
  if (s.stub?.prorated === false) return [];
  return prorationLineDrafts(prorate([], items, billingPeriodAt(s, s.anchor, -1), period.start, s.interval, s.interval));
}

/** The invoice at a period's start (its service start for the stub): fees in advance, pending prorations, and the usage up to that instant in arrears. */
export function periodInvoiceDraft(s: SubscriptionState, period: BillingPeriod, items = s.items): InvoiceDraft {
  const windows = usageWindowsUntil(s.usage, period.start);
  return {
    // The anchor is part of the key: resuming or changing interval restarts period numbering.
    sourceKey: `${s.subscriptionId}:anchor:${s.anchor}:period:${period.index}:recurring`,
    kind: 'recurring',
    periodIndex: period.index,
    periodStart: period.start,
    periodEnd: period.end,
    lines: [...advanceLines(s, period, items), ...s.pendingProrationLines],
    usage: hasUsage(s.usage) ? { windows, reconcileSince: reconcileSince(s.usage, period.start, period.end - period.start), closeUsage: false } : null,
  };
}

/** The last invoice of an ended subscription: its usage up to the end, and late usage of earlier windows. */
export function finalInvoiceDraft(s: SubscriptionState, endedAt: number): InvoiceDraft {
  const period = currentPeriod(s);
  return {
    sourceKey: `${s.subscriptionId}:final`,
    kind: 'final',
    periodIndex: null,
    periodStart: s.usage.billedUntil,
    periodEnd: endedAt,
    lines: [],
    usage: { windows: usageWindowsUntil(s.usage, endedAt), reconcileSince: reconcileSince(s.usage, endedAt, period.end - period.start), closeUsage: true },
  };
}

/**
 * The next invoice the subscription will issue, as it would be issued now: with a held draft,
 * that draft; after the end, the final invoice; otherwise the invoice at the next period start
 * (after a trial, the first one), with the items then in force and the usage so far. Null while
 * paused (nothing is invoiced until resumed).
 */
/** The next invoice and when it is issued (a held draft: when its grace period ends; a start already due: that start). */
export interface UpcomingInvoiceDraft {
  draft: InvoiceDraft;
  heldInvoiceId: string | null;
  issuesAt: number;
}

export function upcomingInvoiceDraft(s: SubscriptionState): UpcomingInvoiceDraft | null {
  if (s.heldDraft) {
    const held = s.heldDraft;
    return { draft: { sourceKey: '', kind: held.purpose === 'final' ? 'final' : 'recurring', periodIndex: held.periodIndex, periodStart: null, periodEnd: null, lines: held.lines, usage: held.usage }, heldInvoiceId: held.invoiceId, issuesAt: held.finalizeAt };
  }
  if (s.status === 'canceled') return s.usage.finalAt !== null && !s.usage.finalBilled ? { draft: finalInvoiceDraft(s, s.usage.finalAt), heldInvoiceId: null, issuesAt: s.usage.finalAt } : null;
  if (s.status === 'paused') return null;
  if (s.status === 'trialing') {
    if (s.trialEnd === null || s.cancelAtPeriodEnd) return null;
    return { draft: periodInvoiceDraft(s, billingPeriodAt(s, s.trialEnd, 0)), heldInvoiceId: null, issuesAt: s.trialEnd };
  }
  // The first period not yet billed (a future start, or an unpaid subscription's current one), else the next.
  const current = servicePeriod(s);
  if (s.billedPeriodIndex < s.periodIndex) return { draft: periodInvoiceDraft(s, current), heldInvoiceId: null, issuesAt: current.start };
  if (s.cancelAtPeriodEnd) return { draft: finalInvoiceDraft(s, current.end), heldInvoiceId: null, issuesAt: current.end };
  const items = s.scheduledChange?.items ?? s.items;
  const next = billingPeriodAt(s, s.anchor, s.periodIndex + 1);
  return { draft: periodInvoiceDraft(s, next, items), heldInvoiceId: null, issuesAt: next.start };
}
