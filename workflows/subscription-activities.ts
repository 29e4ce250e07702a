import { proxyActivities } from '@temporalio/workflow';
import type { BillingActivities } from '../activities/index.js';

/**
 * The subscription workflow's activities. Retries reuse the same inputs, and every activity is
 * idempotent (invoices by source key, charges by `invoice:<id>:attempt:<n>` at the gateway), so
 * retrying after a timeout or a worker crash never duplicates an invoice or a charge. Errors that
 * retrying cannot fix are not retried.
 */
export const billing = proxyActivities<BillingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [
      'GatewayRequestError',
      'PaymentMethodRejectedError',
      'DomainError',
      'BillingError',
      'subscription_not_found',
      'price_not_found',
    ],
  },
});
