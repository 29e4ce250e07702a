import { EntitlementCache } from '../billing/entitlements/entitlement-cache.js';
import { UsageFollowUp } from '../billing/usage/usage-follow-up.js';
import type { ApiKeyCache } from '../tenancy/api-key-cache.js';
import type { BillingDatabase } from '../billing/db.js';
import type { SubscriptionCommandDependencies } from '../billing/subscriptions/command-dependencies.js';
import type { SubscriptionWorkflows } from '../billing/subscriptions/subscription-workflows.js';
import type { PaymentGateway } from '../payments/gateway.js';
import type { RateLimitOptions } from './rate-limit.js';
import { STRICT_URL_POLICY, type WebhookUrlPolicy } from '../billing/webhook-endpoints/address-policy.js';
import type { WebhookEndpointDependencies } from '../billing/webhook-endpoints/endpoint-input.js';
import type { WebhookDeliveryRunner } from '../billing/webhook-endpoints/webhook-delivery-runner.js';
import type { HostResolver } from '../billing/webhook-endpoints/webhook-url.js';

/** What the /v1 routes need. Tests pass the same real parts (Postgres, a Temporal server, the sandbox). */
export interface BillingApiDependencies {
  prisma: BillingDatabase;
  workflows: SubscriptionWorkflows;
  gateway: PaymentGateway;
  /**
   * The billing clock, epoch ms. Production uses the wall clock; workflow tests pass the
   * time-skipping server's clock so "now" means the same instant to the API and the workflow.
   */
  now?: () => Promise<number>;
  rateLimit?: RateLimitOptions;
  /**
   * The entitlement check's cache, live while its listener is (src/api/server.ts wires one). Without
   * one, every check reads PostgreSQL.
   */
  entitlements?: EntitlementCache;
  /** Authenticated keys, live while the same listener is; without it every request reads its key. */
  apiKeys?: ApiKeyCache;
  /** Outbound webhooks: which URLs endpoints may have (strict unless a development server), DNS, and the runner of replays and tests. */
  webhooks?: { urlPolicy: WebhookUrlPolicy; resolveHost?: HostResolver; runner: WebhookDeliveryRunner };
}

/** The URL rules endpoint registration applies: the deployment's, strict by default. */
export function webhookEndpointDependencies(deps: BillingApiDependencies): WebhookEndpointDependencies {
  return { urlPolicy: deps.webhooks?.urlPolicy ?? STRICT_URL_POLICY, ...(deps.webhooks?.resolveHost ? { resolveHost: deps.webhooks.resolveHost } : {}) };
}

/** The runner of replays and test deliveries (a Temporal client). */
export function webhookRunner(deps: BillingApiDependencies): WebhookDeliveryRunner {
  if (!deps.webhooks) throw new Error('this API was created without a webhook delivery runner');
  return deps.webhooks.runner;
}

/** The billing clock of these dependencies: theirs, or the wall clock. */
export function billingNow(deps: BillingApiDependencies): () => Promise<number> {
  return deps.now ?? (() => Promise.resolve(Date.now()));
}

/** What the subscription commands run on, from the API's dependencies. */
export function commandDependencies(deps: BillingApiDependencies): SubscriptionCommandDependencies {
  return { prisma: deps.prisma, workflows: deps.workflows, now: billingNow(deps) };
}

const uncached = new EntitlementCache();

/** The entitlement cache of these dependencies, or one never live (every check reads PostgreSQL). */
export function entitlementCache(deps: BillingApiDependencies): EntitlementCache {
  return deps.entitlements ?? uncached;
}

const followUps = new WeakMap<BillingApiDependencies, UsageFollowUp>();

/** The app's one follow-up of stored usage (alerts, spend thresholds), shared by the routes that ingest and those that create what it follows. */
export function usageFollowUpOf(deps: BillingApiDependencies): UsageFollowUp {
  let followUp = followUps.get(deps);
  if (followUp === undefined) {
    followUp = new UsageFollowUp(deps.prisma, deps.workflows, {
      onError: (error) => console.error('[usage] alert and spend-threshold follow-up failed (the usage-thresholds schedule will evaluate again):', error),
    });
    followUps.set(deps, followUp);
  }
  return followUp;
}
