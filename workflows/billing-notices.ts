import type { BillingNoticesResult } from '../activities/scheduled-job-activities.js';
import { BILLING_NOTICES } from './scheduled-job-ids.js';
import { jobs, runJobOnce, type JobRunResult } from './scheduled-job-run.js';

/** Hourly: the events of time passing (trial_will_end, invoice.upcoming, invoice.overdue), each written once. */
export async function billingNoticesWorkflow(): Promise<JobRunResult<BillingNoticesResult>> {
  return runJobOnce(BILLING_NOTICES, (at) => jobs.writeBillingNotices({ now: at }));
}
