import { proxyActivities, sleep } from '@temporalio/workflow';

/**
 * The least a durable renewal can be: a workflow whose timer fires at the renewal instant, runs
 * one activity, and completes. The `limit` side of `npm run bench -- renewals` runs N of these on
 * the same Temporal server as the real renewals, in the same run.
 */
const { renewalLimitStep } = proxyActivities<{ renewalLimitStep(): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

export async function renewalLimitWorkflow(renewAt: number): Promise<void> {
  const wait = renewAt - Date.now();
  if (wait > 0) await sleep(wait);
  await renewalLimitStep();
}
