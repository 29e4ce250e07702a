import type { SubscriptionContext } from './subscription-context.js';
import { collect, type InvoiceDraft } from './subscription-invoicing.js';
import { currentPeriod, isBilling } from './subscription-state.js';
import { usageWindowsUntil } from './subscription-usage.js';

/**
 * Progressive billing, asked by a `usageAccrued` signal at `at`: if the usage accrued in the open
 * period reaches the subscription's spend threshold (the activity reads it and prices the usage),
 * a threshold invoice bills it now and is collected like the period's invoice (dunning included);
 * the period's own invoice bills only the rest. Only while the period is billed and nothing is
 * held: at a boundary or in a grace period the next signal (or the schedule) asks again.
 */
export async function checkSpendThreshold(ctx: SubscriptionContext, at: number): Promise<void> {
  const s = ctx.state;
  if (!isBilling(s.status) || s.heldDraft !== null || s.billedPeriodIndex < s.periodIndex) return;
  const periodEnd = currentPeriod(s).end;
  if (at >= periodEnd || at <= s.usage.billedUntil) return;
  // Every event of the open period stored so far, whatever its timestamp (one at this very
  // millisecond, or minutes ahead): the windows run to the period's end, priced as they stand now.
  const windows = usageWindowsUntil(s.usage, periodEnd);
  if (windows.length === 0) return;
  const sequence = (s.thresholdInvoices?.periodIndex === s.periodIndex ? s.thresholdInvoices.count : 0) + 1;
  const draft: InvoiceDraft = {
    sourceKey: `${s.subscriptionId}:anchor:${s.anchor}:period:${s.periodIndex}:threshold:${sequence}`,
    kind: 'threshold',
    periodIndex: s.periodIndex,
    periodStart: s.usage.billedUntil,
    periodEnd: at,
    lines: [],
    usage: { windows, reconcileSince: null, closeUsage: false, progressive: true },
  };
  const result = await ctx.billing.issueThresholdInvoice({ invoice: { ...draft, tenantId: s.tenantId, customerId: s.customerId, subscriptionId: s.subscriptionId, currency: s.currency } });
  if (result.status !== 'issued') return;
  s.thresholdInvoices = { periodIndex: s.periodIndex, count: sequence };
  await collect(ctx, result.invoice, { purpose: 'period', at }, async (invoice) => {
    await ctx.persist('threshold_invoiced', at, { invoiceId: invoice.invoiceId, amountDue: invoice.amountDue, sequence });
  });
}
