/** The one task queue billing workflows and activities run on, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_BILLING_TASK_QUEUE = 'billing';
