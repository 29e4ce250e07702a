import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes that subscription workflows upsert on every change, so operators can
 * list, say, every subscription stuck in dunning for one customer in the Temporal UI:
 *   BillingStatus = "past_due" AND CustomerId = "cus_…"
 */
export const BillingStatus = defineSearchAttributeKey('BillingStatus', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const TenantId = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const PriceIds = defineSearchAttributeKey('PriceIds', SearchAttributeType.KEYWORD_LIST);
export const DunningAttempt = defineSearchAttributeKey('DunningAttempt', SearchAttributeType.INT);
export const NextBillingTime = defineSearchAttributeKey('NextBillingTime', SearchAttributeType.DATETIME);
/**
 * Set while billing waits for an operator: `gateway_rejected` (the gateway refused an invoice's
 * charge as an invalid request) or `workflow_error` (a billing step failed unexpectedly). Cleared
 * once collection is back on its own: BillingAttention = "gateway_rejected" lists them.
 */
export const BillingAttention = defineSearchAttributeKey('BillingAttention', SearchAttributeType.KEYWORD);

export const BILLING_SEARCH_ATTRIBUTES = [
  BillingStatus,
  CustomerId,
  TenantId,
  PriceIds,
  DunningAttempt,
  NextBillingTime,
  BillingAttention,
] as const;
