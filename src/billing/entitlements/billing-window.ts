import { periodContaining, type BillingInterval, type UsageWindow } from '../../domain/index.js';

/** What a subscription row says about its periods. */
export interface BillingWindowRow {
  billingAnchor: Date;
  intervalUnit: BillingInterval['unit'];
  intervalCount: number;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
}

/**
 * The subscription's billing period at `now`: the stored current one, or — in the moments between
 * a period's end and its workflow storing the next — the period of the schedule containing `now`,
 * so a quota resets exactly at the boundary.
 */
export function currentBillingWindow(subscription: BillingWindowRow, now: number): UsageWindow | null {
  const { currentPeriodStart: from, currentPeriodEnd: to } = subscription;
  if (from === null || to === null) return null;
  if (now < to.getTime()) return { from: from.getTime(), to: to.getTime() };
  const schedule = { anchor: subscription.billingAnchor.getTime(), interval: { unit: subscription.intervalUnit, count: subscription.intervalCount } };
  if (now < schedule.anchor) return null;
  const period = periodContaining(schedule, now);
  return { from: period.start, to: period.end };
}
