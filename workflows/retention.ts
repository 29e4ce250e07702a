import type { PurgeKind } from '../activities/scheduled-job-activities.js';
import { RETENTION } from './scheduled-job-ids.js';
import { jobs, runJobOnce, type JobRunResult } from './scheduled-job-run.js';

const KINDS: readonly PurgeKind[] = ['idempotency_keys', 'webhook_events', 'outbox_events', 'webhook_deliveries', 'email_notifications'];
const BATCH = 1_000;
/** A run deletes at most this many batches per kind; the next day's run takes the rest. */
const MAX_BATCHES = 500;

export type RetentionResult = Record<PurgeKind, { deleted: number; batches: number; complete: boolean }>;

/** Daily: what is past retention is deleted, kind by kind, in batches of 1,000 rows. */
export async function retentionWorkflow(): Promise<JobRunResult<RetentionResult>> {
  return runJobOnce(RETENTION, async (at) => {
    const result = {} as RetentionResult;
    for (const kind of KINDS) {
      let deleted = 0;
      let batches = 0;
      let complete = false;
      while (batches < MAX_BATCHES) {
        const count = await jobs.purgeExpiredRows({ kind, now: at, batchSize: BATCH });
        deleted += count;
        batches += 1;
        if (count < BATCH) {
          complete = true;
          break;
        }
      }
      result[kind] = { deleted, batches, complete };
    }
    return result;
  });
}
