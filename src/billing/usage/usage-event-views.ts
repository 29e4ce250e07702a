import type { UsageEventResult } from './record-usage-events.js';

/** What the API answers for one usage event that was accepted or recognised as a repeat. */
export interface UsageEventView {
  object: 'usage_event';
  transactionId: string;
  status: 'accepted' | 'duplicate';
  duplicate: boolean;
  customerId: string;
  meterIds: string[];
  billable: boolean;
  subscriptionId: string | null;
  reason: 'no_meter' | 'no_subscription' | 'usage_closed' | null;
}

export type UsageEventBatchItemView = UsageEventView | { object: 'usage_event'; transactionId: string; status: 'rejected'; error: { code: string; message: string } };

export function toUsageEventView(result: Exclude<UsageEventResult, { status: 'rejected' }>): UsageEventView {
  return {
    object: 'usage_event',
    transactionId: result.transactionId,
    status: result.status,
    duplicate: result.status === 'duplicate',
    customerId: result.customerId,
    meterIds: result.meterIds,
    billable: result.billable,
    subscriptionId: result.subscriptionId,
    reason: result.billable ? null : result.reason,
  };
}

export function toBatchItemView(result: UsageEventResult): UsageEventBatchItemView {
  if (result.status === 'rejected') return { object: 'usage_event', transactionId: result.transactionId, status: 'rejected', error: { code: result.code, message: result.message } };
  return toUsageEventView(result);
}
