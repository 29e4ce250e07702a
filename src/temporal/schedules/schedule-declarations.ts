import { ScheduleOverlapPolicy } from '@temporalio/client';

/**
 * Every periodic job, declared once. `npm start`, `npm run temporal:setup` and each worker's
 * start-up create the schedules that are missing and update those whose declaration changed
 * (ensure-schedules.ts); operators see them under Schedules in the Temporal UI and drive them
 * with `npm run schedules`. A job's per-tenant settings (thresholds, its hour, retention) are
 * read from billing_settings when it runs, never from here.
 */
export interface ScheduleDeclaration {
  /** The schedule id, and the prefix of every workflow id it starts. */
  id: string;
  /** What the job does, shown as the schedule's note in the UI. */
  description: string;
  /** The workflow it starts (exported by workflows/index.ts). */
  workflowType: string;
  /** Either a cron expression (UTC) or an interval with an offset into it. */
  spec: { cron: string } | { every: string; offset?: string };
  /** A random delay up to this long spreads the start, so jobs of many clusters do not align. */
  jitter: string;
  /** What happens when a run is still going at the next scheduled time. */
  overlap: ScheduleOverlapPolicy;
  /** After an outage, runs missed within this window are still taken (once each). */
  catchupWindow: string;
  /** How long one run may take before it is abandoned (the next run starts from fresh). */
  runTimeout: string;
}

import { BILLING_NOTICES, BILLING_SNAPSHOT, PAYMENT_RECONCILIATION, RETENTION, STUCK_BILLING_SWEEP, USAGE_CLOSE_OUT, USAGE_THRESHOLDS } from '../../../workflows/scheduled-job-ids.js';

export const SCHEDULES: readonly ScheduleDeclaration[] = [
  {
    id: PAYMENT_RECONCILIATION,
    description: 'Hourly: looks up payment attempts left pending at the gateway, records and signals their outcome; reports gateway payments no paid invoice records, and invoices paid twice. Never charges.',
    workflowType: 'paymentReconciliationWorkflow',
    spec: { every: '1 hour', offset: '7 minutes' },
    jitter: '2 minutes',
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '1 day',
    runTimeout: '50 minutes',
  },
  {
    id: STUCK_BILLING_SWEEP,
    description: 'Every 5 minutes: finds subscriptions whose workflow is missing, failed, not answering, or late to bill; flags them (BillingAttention) and restarts a missing workflow from the database.',
    workflowType: 'stuckBillingSweepWorkflow',
    spec: { every: '5 minutes' },
    jitter: '30 seconds',
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '10 minutes',
    runTimeout: '4 minutes',
  },
  {
    id: USAGE_CLOSE_OUT,
    description: 'Hourly: checks the hourly usage roll-ups of the last closed hours against the raw usage events and reports any drift.',
    workflowType: 'usageCloseOutWorkflow',
    spec: { every: '1 hour', offset: '15 minutes' },
    jitter: '2 minutes',
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '1 day',
    runTimeout: '50 minutes',
  },
  {
    id: USAGE_THRESHOLDS,
    description: 'Every 5 minutes: evaluates usage alerts (a threshold reached fires once per period) and asks subscriptions with a spend threshold to check it — behind what usage ingestion does itself.',
    workflowType: 'usageThresholdsWorkflow',
    spec: { every: '5 minutes', offset: '2 minutes' },
    jitter: '30 seconds',
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '10 minutes',
    runTimeout: '4 minutes',
  },
  {
    id: BILLING_NOTICES,
    description: 'Hourly: writes the events of time passing — subscription.trial_will_end three days before a trial ends, invoice.upcoming within the renewal notice period, invoice.overdue — each once; their emails follow.',
    workflowType: 'billingNoticesWorkflow',
    spec: { every: '1 hour', offset: '17 minutes' },
    jitter: '2 minutes',
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '1 day',
    runTimeout: '30 minutes',
  },
  {
    id: RETENTION,
    description: 'Daily: deletes expired idempotency keys, processed webhook events and delivered outbox events past each tenant\'s retention, in bounded batches.',
    workflowType: 'retentionWorkflow',
    spec: { cron: '30 3 * * *' },
    jitter: '10 minutes',
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '1 day',
    runTimeout: '2 hours',
  },
  {
    id: BILLING_SNAPSHOT,
    description: 'Hourly: takes the daily billing snapshot (counts and sums by status) of every tenant whose snapshot hour it is.',
    workflowType: 'billingSnapshotWorkflow',
    spec: { every: '1 hour', offset: '5 minutes' },
    jitter: '1 minute',
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: '1 day',
    runTimeout: '50 minutes',
  },
];

export function scheduleDeclaration(id: string): ScheduleDeclaration {
  const declaration = SCHEDULES.find((schedule) => schedule.id === id);
  if (!declaration) throw new Error(`no schedule '${id}' (declared: ${SCHEDULES.map((s) => s.id).join(', ')})`);
  return declaration;
}
