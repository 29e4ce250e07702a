/**
 * The ids of the project's Temporal Schedules, each also the name of its job's runs in job_runs.
 * Declared with their specs in src/temporal/schedules/schedule-declarations.ts.
 */
export const PAYMENT_RECONCILIATION = 'billing-payment-reconciliation';
export const STUCK_BILLING_SWEEP = 'billing-stuck-billing-sweep';
export const USAGE_CLOSE_OUT = 'billing-usage-close-out';
export const RETENTION = 'billing-retention';
export const BILLING_SNAPSHOT = 'billing-daily-snapshot';
export const USAGE_THRESHOLDS = 'billing-usage-thresholds';
export const BILLING_NOTICES = 'billing-notices';
