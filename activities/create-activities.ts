import { applyCreditBalance } from './apply-credit-balance.js';
import { billingClock } from './billing-clock.js';
import { chargeInvoice } from './charge-invoice.js';
import { createInvoice } from './create-invoice.js';
import { creditCustomer } from './credit-customer.js';
import type { ActivityDependencies } from './dependencies.js';
import { withFailureMapping } from './failures.js';
import { finalizeInvoice } from './finalize-invoice.js';
import { hasPaymentMethod } from './has-payment-method.js';
import { issueInvoice } from './issue-invoice.js';
import { issueThresholdInvoice } from './issue-threshold-invoice.js';
import { loadBillingPolicy } from './load-billing-policy.js';
import { loadPrices } from './load-prices.js';
import { loadSubscription } from './load-subscription.js';
import { loadSubscriptionStart } from './load-subscription-start.js';
import { markInvoiceUncollectible } from './mark-invoice-uncollectible.js';
import { persistSubscriptionState } from './persist-subscription-state.js';
import { persistSubscriptionStates } from './persist-subscription-states.js';
import { recordPaymentOutcome } from './record-payment-outcome.js';
import { repriceDraftInvoice } from './reprice-draft-invoice.js';
import { createOutboundActivities, type OutboundActivities } from './outbound-activities.js';
import { createScheduledJobActivities, type ScheduledJobActivities } from './scheduled-job-activities.js';
import type { BillingActivities } from './types.js';
import { voidInvoice } from './void-invoice.js';
import { creditOpenInvoice } from './credit-open-invoice.js';

/**
 * A local activity has no server-scheduled time (billing-clock.ts), so the workflow sends its own
 * clock with the call (`billingClockMs`): rows written by a local step carry the workflow's
 * instant, simulated or not. A clock the dependencies fix (a test's) still wins.
 */
function withCallClock(given: ActivityDependencies, deps: ActivityDependencies, input: unknown): ActivityDependencies {
  const at = (input as { billingClockMs?: unknown } | null)?.billingClockMs;
  return given.now === undefined && typeof at === 'number' ? { ...deps, now: () => at } : deps;
}

/**
 * The subscription workflow's activities, bound to their dependencies. Every one maps refused
 * input (billing and domain errors) to a non-retryable failure typed by its code.
 */
export function createActivities(dependencies: ActivityDependencies): BillingActivities & ScheduledJobActivities & OutboundActivities {
  const deps: ActivityDependencies = { ...dependencies, now: dependencies.now ?? billingClock };
  const bind = <I, O>(activity: (deps: ActivityDependencies, input: I) => Promise<O>) => withFailureMapping((input: I) => activity(withCallClock(dependencies, deps, input), input));
  return {
    loadSubscription: bind(loadSubscription),
    loadSubscriptionStart: bind(loadSubscriptionStart),
    loadPrices: bind(loadPrices),
    loadBillingPolicy: bind(loadBillingPolicy),
    hasPaymentMethod: bind(hasPaymentMethod),
    createInvoice: bind(createInvoice),
    issueInvoice: bind(issueInvoice),
    issueThresholdInvoice: bind(issueThresholdInvoice),
    repriceDraftInvoice: bind(repriceDraftInvoice),
    applyCreditBalance: bind(applyCreditBalance),
    finalizeInvoice: bind(finalizeInvoice),
    chargeInvoice: bind(chargeInvoice),
    recordPaymentOutcome: bind(recordPaymentOutcome),
    voidInvoice: bind(voidInvoice),
    creditOpenInvoice: bind(creditOpenInvoice),
    markInvoiceUncollectible: bind(markInvoiceUncollectible),
    creditCustomer: bind(creditCustomer),
    persistSubscriptionState: bind(persistSubscriptionState),
    persistSubscriptionStates: bind(persistSubscriptionStates),
    ...createScheduledJobActivities(deps),
    ...createOutboundActivities(deps),
  };
}
