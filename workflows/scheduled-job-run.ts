import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ScheduledJobActivities } from '../activities/scheduled-job-activities.js';

/** Set by Temporal on every workflow a schedule starts: the time the run was scheduled for. */
const TemporalScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** The jobs' activities: short database or gateway steps, retried a few times, then reported. */
export const jobs = proxyActivities<ScheduledJobActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * The time this run stands for: the schedule's scheduled time (a backfill's past one, a
 * trigger's now), or the start time for a run started by hand.
 */
export function scheduledTime(): number {
  const info = workflowInfo();
  return (info.typedSearchAttributes.get(TemporalScheduledStartTime) ?? info.startTime).getTime();
}

export type JobRunResult<R> =
  | { job: string; scheduledAt: string; status: 'completed'; repeated: boolean; result: R }
  | { job: string; scheduledAt: string; status: 'failed'; repeated: false; error: string };

/**
 * Runs a job once for its scheduled time. A time already done (a backfill over it, a retried
 * trigger) returns what it reported then and does nothing again. The job never fails its
 * workflow: a step that keeps failing ends the run `failed` (recorded, shown as its result),
 * and the next scheduled run starts afresh.
 */
export async function runJobOnce<R>(job: string, work: (scheduledAt: number) => Promise<R>): Promise<JobRunResult<R>> {
  const scheduledAt = scheduledTime();
  const key = { job, scheduledAt };
  const iso = new Date(scheduledAt).toISOString();
  const { workflowId, runId } = workflowInfo();
  const begun = await jobs.beginJobRun({ ...key, workflowId, runId });
  if (begun.status === 'completed') return { job, scheduledAt: iso, status: 'completed', repeated: true, result: begun.result as R };
  try {
    const result = await work(scheduledAt);
    await jobs.completeJobRun({ ...key, status: 'completed', result });
    return { job, scheduledAt: iso, status: 'completed', repeated: false, result };
  } catch (error) {
    if (isCancellation(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    await jobs.completeJobRun({ ...key, status: 'failed', result: { error: message } });
    return { job, scheduledAt: iso, status: 'failed', repeated: false, error: message };
  }
}
