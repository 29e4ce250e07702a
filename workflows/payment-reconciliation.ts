import type { DiscrepancyFinding, ReconciledAttempt } from '../activities/scheduled-job-activities.js';
import { PAYMENT_RECONCILIATION } from './scheduled-job-ids.js';
import { jobs, runJobOnce, type JobRunResult } from './scheduled-job-run.js';

/** Gateway payments of the last 25 hours are checked, so an hour's run missed in a day-long outage is covered. */
const LOOKBACK_MS = 25 * 3_600_000;
/** The result lists at most this many items of each kind (the counts are complete). */
const LISTED = 50;

export interface PaymentReconciliationResult {
  staleAttempts: number;
  outcomes: Record<ReconciledAttempt['outcome'], number>;
  signalled: number;
  gatewayPaymentsChecked: number;
  window: { from: string; to: string };
  newDiscrepancies: number;
  reconciled: ReconciledAttempt[];
  discrepancies: DiscrepancyFinding[];
}

/**
 * Hourly payment reconciliation. Every payment attempt whose outcome is still unknown past the
 * tenant's threshold is looked up at the gateway and its outcome recorded and told to the
 * subscription; then the gateway's payments of the window are compared with the invoices, and
 * every disagreement (a payment no paid invoice records, an invoice paid twice) is recorded once
 * as a discrepancy, with an outbox event and a flag on the subscription. It never charges.
 */
export async function paymentReconciliationWorkflow(): Promise<JobRunResult<PaymentReconciliationResult>> {
  return runJobOnce(PAYMENT_RECONCILIATION, async (at) => {
    const outcomes: Record<ReconciledAttempt['outcome'], number> = { succeeded: 0, declined: 0, still_pending: 0, not_at_gateway: 0 };
    const reconciled: ReconciledAttempt[] = [];
    let signalled = 0;
    for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
      const page: Awaited<ReturnType<typeof jobs.reconcileStalePayments>> = await jobs.reconcileStalePayments({ now: at, afterId: cursor });
      for (const attempt of page.reconciled) {
        outcomes[attempt.outcome] += 1;
        if (attempt.signalled) signalled += 1;
        if (reconciled.length < LISTED) reconciled.push(attempt);
      }
      cursor = page.nextCursor;
    }
    // Payments younger than their tenant's reconcile_after_minutes are left for a later run.
    const window = { createdFrom: at - LOOKBACK_MS, createdTo: at };
    const discrepancies: DiscrepancyFinding[] = [];
    let found = 0;
    let checked = 0;
    for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
      const page: Awaited<ReturnType<typeof jobs.checkGatewayPayments>> = await jobs.checkGatewayPayments({ ...window, cursor, now: at });
      checked += page.checked;
      found += page.recorded.length;
      discrepancies.push(...page.recorded.slice(0, LISTED - discrepancies.length));
      cursor = page.nextCursor;
    }
    const duplicates = await jobs.findDuplicatePayments({ ...window, now: at });
    found += duplicates.length;
    discrepancies.push(...duplicates.slice(0, Math.max(0, LISTED - discrepancies.length)));
    return {
      staleAttempts: Object.values(outcomes).reduce((a, b) => a + b, 0),
      outcomes,
      signalled,
      gatewayPaymentsChecked: checked,
      window: { from: new Date(window.createdFrom).toISOString(), to: new Date(window.createdTo).toISOString() },
      newDiscrepancies: found,
      reconciled,
      discrepancies,
    };
  });
}
