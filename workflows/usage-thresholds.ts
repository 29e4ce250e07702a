import type { UsageThresholdScan } from '../activities/scheduled-job-activities.js';
import { USAGE_THRESHOLDS } from './scheduled-job-ids.js';
import { jobs, runJobOnce, type JobRunResult } from './scheduled-job-run.js';

/** Every 5 minutes: usage alerts evaluated and spend thresholds checked, behind what ingestion does itself. */
export async function usageThresholdsWorkflow(): Promise<JobRunResult<UsageThresholdScan>> {
  return runJobOnce(USAGE_THRESHOLDS, (at) => jobs.scanUsageThresholds({ now: at }));
}
