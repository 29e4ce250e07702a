import type { RollupDrift } from '../activities/scheduled-job-activities.js';
import { USAGE_CLOSE_OUT } from './scheduled-job-ids.js';
import { jobs, runJobOnce, type JobRunResult } from './scheduled-job-run.js';

const HOUR_MS = 3_600_000;
/** The closed hours each run checks: the two whole hours before the scheduled time's hour. */
const HOURS_CHECKED = 2;
const LISTED = 50;

export interface UsageCloseOutResult {
  from: string;
  to: string;
  meters: number;
  hoursChecked: number;
  drifted: number;
  drift: RollupDrift[];
}

/** Hourly: each meter's hourly roll-ups of the last closed hours are recomputed from the raw events; any difference is reported. */
export async function usageCloseOutWorkflow(): Promise<JobRunResult<UsageCloseOutResult>> {
  return runJobOnce(USAGE_CLOSE_OUT, async (at) => {
    const to = Math.floor(at / HOUR_MS) * HOUR_MS;
    const from = to - HOURS_CHECKED * HOUR_MS;
    const meters = await jobs.metersToCloseOut({ to });
    const result: UsageCloseOutResult = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), meters: meters.length, hoursChecked: 0, drifted: 0, drift: [] };
    for (const meterId of meters) {
      const checked = await jobs.verifyUsageRollups({ meterId, from, to });
      result.hoursChecked += checked.hours;
      result.drifted += checked.drift.length;
      result.drift.push(...checked.drift.slice(0, Math.max(0, LISTED - result.drift.length)));
    }
    return result;
  });
}
