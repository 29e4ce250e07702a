import { proxyActivities } from '@temporalio/workflow';
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
export const billing = proxyActivities<BillingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 35,
  },
});
