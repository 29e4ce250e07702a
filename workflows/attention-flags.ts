/**
 * `reconciliation_discrepancy`: the gateway and the invoices disagree; `workflow_restarted`: the
 * workflow had gone (terminated, failed) and was started again from the database; `billing_late`:
 * the next billing time passed long ago; `not_answering`: the workflow did not answer its query.
 */
export const ATTENTION_FLAG_REASONS = ['reconciliation_discrepancy', 'workflow_restarted', 'billing_late', 'not_answering'] as const;
export type AttentionFlagReason = (typeof ATTENTION_FLAG_REASONS)[number];
