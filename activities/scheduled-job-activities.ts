import { writeBillingNotices, type BillingNoticesResult } from '../src/billing/events/write-billing-notices.js';
import { beginJobRun, type BeginJobRunResult, type JobRunKey } from '../src/billing/jobs/begin-job-run.js';
import { completeJobRun } from '../src/billing/jobs/complete-job-run.js';
import type { SubscriptionWorkflowProbe } from '../src/billing/jobs/subscription-workflow-probe.js';
import { purgeExpiredRows, type PurgeKind } from '../src/billing/maintenance/purge-expired-rows.js';
import { checkGatewayPayments, type DiscrepancyFinding } from '../src/billing/reconciliation/check-gateway-payments.js';
import { findDuplicatePayments } from '../src/billing/reconciliation/find-duplicate-payments.js';
import { findStalePaymentAttempts } from '../src/billing/reconciliation/find-stale-payment-attempts.js';
import { reconcilePaymentAttempt, type ReconciledAttempt } from '../src/billing/reconciliation/reconcile-payment-attempt.js';
import { recordDiscrepancies } from '../src/billing/reconciliation/record-discrepancies.js';
import { takeBillingSnapshot, tenantsDueForSnapshot, type BillingSnapshotRow } from '../src/billing/reports/take-billing-snapshot.js';
import { retryPendingRefunds, type PendingRefundsResult } from '../src/billing/sweeps/retry-pending-refunds.js';
import { sweepSubscriptions, type SweepFinding } from '../src/billing/sweeps/sweep-subscriptions.js';
import { scanUsageThresholds, type UsageThresholdScan } from '../src/billing/usage-alerts/scan-usage-thresholds.js';
import { metersToCloseOut, verifyUsageRollups, type RollupDrift } from '../src/billing/usage/verify-usage-rollups.js';
import type { ActivityDependencies } from './dependencies.js';
import { withFailureMapping } from './failures.js';

export type { UsageThresholdScan, BillingNoticesResult };
export type { BeginJobRunResult, DiscrepancyFinding, ReconciledAttempt, SweepFinding, RollupDrift, BillingSnapshotRow, PurgeKind, PendingRefundsResult };

/** The scheduled jobs' activities: each a thin shell over one billing operation, each idempotent. */
export interface ScheduledJobActivities {
  beginJobRun(input: JobRunKey & { workflowId: string; runId: string }): Promise<BeginJobRunResult>;
  completeJobRun(input: JobRunKey & { status: 'completed' | 'failed'; result: unknown }): Promise<void>;
  /** One page of stale attempts, each looked up and recorded; `nextCursor` null when done. */
  reconcileStalePayments(input: { now: number; afterId: string | null }): Promise<{ reconciled: ReconciledAttempt[]; nextCursor: string | null }>;
  /** One page of the gateway's payments checked; new findings recorded and their subscriptions flagged. */
  checkGatewayPayments(input: { createdFrom: number; createdTo: number; cursor: string | null; now: number }): Promise<{ checked: number; recorded: DiscrepancyFinding[]; nextCursor: string | null }>;
  /** Invoices our own records show paid twice in the window, recorded and flagged. */
  findDuplicatePayments(input: { createdFrom: number; createdTo: number; now: number }): Promise<DiscrepancyFinding[]>;
  sweepSubscriptions(input: { now: number; afterId: string | null }): Promise<{ checked: number; findings: SweepFinding[]; nextCursor: string | null }>;
  /** Credit-note refunds still pending after their grace period, asked of the gateway again (same key). */
  retryPendingRefunds(input: { now: number }): Promise<PendingRefundsResult>;
  purgeExpiredRows(input: { kind: PurgeKind; now: number; batchSize: number }): Promise<number>;
  tenantsDueForSnapshot(input: { hourUtc: number }): Promise<string[]>;
  takeBillingSnapshot(input: { tenantId: string; date: string; now: number }): Promise<{ taken: boolean; rows: BillingSnapshotRow[] }>;
  metersToCloseOut(input: { to: number }): Promise<string[]>;
  verifyUsageRollups(input: { meterId: string; from: number; to: number }): Promise<{ hours: number; drift: RollupDrift[] }>;
  /** Usage alerts evaluated, and workflows with a spend threshold asked to check it. */
  scanUsageThresholds(input: { now: number }): Promise<UsageThresholdScan>;
  /** Trials ending in three days, renewals within the notice period, invoices overdue: each event once. */
  writeBillingNotices(input: { now: number }): Promise<BillingNoticesResult>;
}

const PAGE = 100;

function probeOf(deps: ActivityDependencies): SubscriptionWorkflowProbe {
  if (!deps.probe) throw new Error('this worker was created without a subscription workflow probe (a Temporal client)');
  return deps.probe;
}

/** Findings recorded for the first time raise a flag on their subscription's workflow. */
async function recordAndFlag(deps: ActivityDependencies, findings: readonly DiscrepancyFinding[], now: Date): Promise<DiscrepancyFinding[]> {
  const recorded = await recordDiscrepancies(deps.prisma, findings, now);
  for (const finding of recorded) {
    if (!finding.subscriptionId) continue;
    await probeOf(deps).flag(finding.subscriptionId, { reason: 'reconciliation_discrepancy', message: `${finding.kind.replace('_', ' ')} ${finding.paymentIntentId ?? ''} (invoice ${finding.invoiceId ?? 'unknown'})`.trim() });
  }
  return recorded;
}

export function createScheduledJobActivities(deps: ActivityDependencies): ScheduledJobActivities {
  const at = (ms: number): Date => new Date(ms);
  return {
    beginJobRun: withFailureMapping((input) => beginJobRun(deps.prisma, input)),
    completeJobRun: withFailureMapping((input) => completeJobRun(deps.prisma, { ...input, now: new Date((deps.now ?? Date.now)()) })),
    reconcileStalePayments: withFailureMapping(async (input) => {
      const stale = await findStalePaymentAttempts(deps.prisma, { now: at(input.now), afterId: input.afterId, limit: PAGE });
      const reconciled: ReconciledAttempt[] = [];
      for (const attempt of stale) reconciled.push(await reconcilePaymentAttempt({ prisma: deps.prisma, gateway: deps.gateway, probe: probeOf(deps) }, attempt, at(input.now)));
      return { reconciled, nextCursor: stale.length < PAGE ? null : stale.at(-1)!.attemptId };
    }),
    checkGatewayPayments: withFailureMapping(async (input) => {
      const page = await checkGatewayPayments({ prisma: deps.prisma, gateway: deps.gateway }, input);
      return { checked: page.checked, recorded: await recordAndFlag(deps, page.findings, at(input.now)), nextCursor: page.nextCursor };
    }),
    findDuplicatePayments: withFailureMapping(async (input) => recordAndFlag(deps, await findDuplicatePayments(deps.prisma, input), at(input.now))),
    sweepSubscriptions: withFailureMapping((input) => sweepSubscriptions({ prisma: deps.prisma, probe: probeOf(deps) }, { now: at(input.now), afterId: input.afterId, limit: 200 })),
    retryPendingRefunds: withFailureMapping((input) => retryPendingRefunds(deps.prisma, deps.gateway, { now: at(input.now), limit: PAGE })),
    purgeExpiredRows: withFailureMapping((input) => purgeExpiredRows(deps.prisma, { kind: input.kind, now: at(input.now), batchSize: input.batchSize })),
    tenantsDueForSnapshot: withFailureMapping((input) => tenantsDueForSnapshot(deps.prisma, input.hourUtc)),
    takeBillingSnapshot: withFailureMapping((input) => takeBillingSnapshot(deps.prisma, { tenantId: input.tenantId, date: input.date, now: at(input.now) })),
    metersToCloseOut: withFailureMapping((input) => metersToCloseOut(deps.prisma, input)),
    verifyUsageRollups: withFailureMapping((input) => verifyUsageRollups(deps.prisma, input)),
    scanUsageThresholds: withFailureMapping((input) => scanUsageThresholds({ prisma: deps.prisma, probe: probeOf(deps) }, input)),
    writeBillingNotices: withFailureMapping((input) => writeBillingNotices(deps.prisma, input)),
  };
}

