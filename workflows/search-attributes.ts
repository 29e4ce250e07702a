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
/** When it bills next by itself (trial end or period end), never a dunning retry (that is NextRetryTime). */
export const NextBillingTime = defineSearchAttributeKey('NextBillingTime', SearchAttributeType.DATETIME);
/**
 * Set while billing waits for an operator: `gateway_rejected` (the gateway refused an invoice's
 * charge as an invalid request) or `workflow_error` (a billing step failed unexpectedly). Cleared
 * once collection is back on its own: BillingAttention = "gateway_rejected" lists them.
 */
export const BillingAttention = defineSearchAttributeKey('BillingAttention', SearchAttributeType.KEYWORD);
/** The invoice being collected (the earliest, when several are): `OpenInvoiceId = "in_…"` finds its subscription. */
export const OpenInvoiceId = defineSearchAttributeKey('OpenInvoiceId', SearchAttributeType.KEYWORD);
/** When dunning charges next, apart from NextBillingTime: `NextRetryTime < "2026-12-03T00:00:00Z"` is "retrying today". */
export const NextRetryTime = defineSearchAttributeKey('NextRetryTime', SearchAttributeType.DATETIME);
/** Since when the subscription has been past due (its first failed attempt of the invoice being collected). */
export const PastDueSince = defineSearchAttributeKey('PastDueSince', SearchAttributeType.DATETIME);

export const BILLING_SEARCH_ATTRIBUTES = [
  BillingStatus,
  CustomerId,
  TenantId,
  PriceIds,
  DunningAttempt,
  NextBillingTime,
  BillingAttention,
  OpenInvoiceId,
  NextRetryTime,
  PastDueSince,
] as const;
