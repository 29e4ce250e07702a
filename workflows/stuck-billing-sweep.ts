import type { PendingRefundsResult, SweepFinding } from '../activities/scheduled-job-activities.js';
import { STUCK_BILLING_SWEEP } from './scheduled-job-ids.js';
import { jobs, runJobOnce, type JobRunResult } from './scheduled-job-run.js';

const LISTED = 50;

export interface StuckBillingSweepResult {
  checked: number;
  found: number;
  restarted: number;
  flagged: number;
  reported: number;
  findings: SweepFinding[];
  /** Credit-note refunds asked of the gateway again. */
  refunds?: PendingRefundsResult;
}

/**
 * Every 5 minutes: every live subscription's workflow is checked (see sweepSubscriptions) — a
 * missing or closed one is started again from the database and flagged, a late or silent one is
 * flagged, a completed one beside a live row is reported — a page at a time. Then credit-note
 * refunds left pending (the gateway could not answer, or the API died after the note) are asked
 * again with their own idempotency key.
 */
export async function stuckBillingSweepWorkflow(): Promise<JobRunResult<StuckBillingSweepResult>> {
  return runJobOnce(STUCK_BILLING_SWEEP, async (at) => {
    const result: StuckBillingSweepResult = { checked: 0, found: 0, restarted: 0, flagged: 0, reported: 0, findings: [] };
    for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
      const page: Awaited<ReturnType<typeof jobs.sweepSubscriptions>> = await jobs.sweepSubscriptions({ now: at, afterId: cursor });
      result.checked += page.checked;
      for (const finding of page.findings) {
        result.found += 1;
        result[finding.action] += 1;
        if (result.findings.length < LISTED) result.findings.push(finding);
      }
      cursor = page.nextCursor;
    }
    result.refunds = await jobs.retryPendingRefunds({ now: at });
    return result;
  });
}
