import { BILLING_SNAPSHOT } from './scheduled-job-ids.js';
import { jobs, runJobOnce, type JobRunResult } from './scheduled-job-run.js';

export interface BillingSnapshotResult {
  date: string;
  hourUtc: number;
  tenants: number;
  taken: number;
}

/**
 * Hourly: each tenant's daily billing snapshot is taken in the hour its settings name
 * (snapshot_hour_utc), dated by the scheduled time's UTC day; a snapshot already taken that day
 * is kept.
 */
export async function billingSnapshotWorkflow(): Promise<JobRunResult<BillingSnapshotResult>> {
  return runJobOnce(BILLING_SNAPSHOT, async (at) => {
    const when = new Date(at);
    const hourUtc = when.getUTCHours();
    const date = when.toISOString().slice(0, 10);
    const tenants = await jobs.tenantsDueForSnapshot({ hourUtc });
    let taken = 0;
    for (const tenantId of tenants) if ((await jobs.takeBillingSnapshot({ tenantId, date, now: at })).taken) taken += 1;
    return { date, hourUtc, tenants: tenants.length, taken };
  });
}
