import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BillingActivities } from '../activities/index.js';

/**
 * The subscription workflow's activities. Retries reuse the same inputs, and every activity is
 * idempotent (invoices by source key, charges by `invoice:<id>:attempt:<n>` at the gateway), so
 * retrying after a timeout or a worker crash never duplicates an invoice or a charge. Refusals
 * (a billing or domain rule, a gateway that rejects the request) leave every activity as
 * non-retryable failures typed by their code (activities/failures.ts); everything else is retried
 * for about half an hour, then reaches the workflow's step boundary, which flags the subscription
 * for an operator and tries the step again later (never a hot loop, never a failed workflow).
 */
const retry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 35,
} as const;

/** Runs from before `fewer-round-trips` (see SubscriptionContext): every step a server-scheduled activity. */
export const billing = proxyActivities<BillingActivities>({ startToCloseTimeout: '2 minutes', retry });

/**
 * The database steps, as local activities: run by the worker that runs the workflow task, inside
 * that task (recorded as markers), so a step costs a database transaction and no round trip to
 * the Temporal server. They are short (one transaction), idempotent, and a worker that dies in
 * one loses its workflow task, so the next worker runs the step again. Twice the gateway's budget
 * bounds a step stuck on a lock queue.
 */
// A back-off longer than a second waits on a workflow timer rather than in the worker, so it
// survives the worker and a time-skipping test server skips it like any other retry.
const localProxy = proxyLocalActivities<BillingActivities>({ startToCloseTimeout: '30 seconds', localRetryThreshold: '1 second', retry });

/**
 * Each local call carries the workflow's clock (`billingClockMs`, read by the activities' binding):
 * a local activity has no server-scheduled time to stamp rows with.
 */
export const localBilling = new Proxy(localProxy, {
  get(target, name: keyof BillingActivities) {
    const call = target[name] as (input: object) => Promise<unknown>;
    return (input: object) => call({ ...input, billingClockMs: Date.now() });
  },
}) as BillingActivities;

/**
 * The charge stays a real activity: the one step with an outside effect gets its own schedule,
 * timeout and retry history in the Temporal UI. Its timeouts are sized to the work: the gateway
 * client gives up within ~21 s (payments/stripe-client.ts), the activity heartbeats every 2 s, so
 * a charge lost with its worker is retried 10 s later (the heartbeat timeout) with the same
 * idempotency key — never a second charge.
 */
export const chargeActivity = proxyActivities<Pick<BillingActivities, 'chargeInvoice'>>({ startToCloseTimeout: '30 seconds', heartbeatTimeout: '10 seconds', retry });
