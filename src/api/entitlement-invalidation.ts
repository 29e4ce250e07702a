import type { MiddlewareHandler } from 'hono';
import type { BillingDatabase } from '../billing/db.js';
import { ALL_CUSTOMERS } from '../billing/entitlements/entitlement-changes.js';
import type { EntitlementCache } from '../billing/entitlements/entitlement-cache.js';
import { getSubscriptionRecord } from '../billing/subscriptions/get-subscription-record.js';
import type { ApiEnv } from './env.js';

/** Writes that change what every customer of the tenant is entitled to (features, what plans grant). */
const CHANGES_TENANT = /^\/v1\/(features|products\/[^/]+\/entitlements|prices\/[^/]+\/entitlements)(\/|$)/;
/** Writes to one subscription (its items, status, overrides, grants) or its creation. */
const SUBSCRIPTION = /^\/v1\/subscriptions(?:\/([^/]+))?(\/|$)/;

/**
 * Every write that changes an entitlement also notifies the cache of every API process through
 * PostgreSQL when it commits; this drops the answers in this process as soon as the write
 * returns, so the caller's next check (which may reach this process before the notification
 * does) sees its write: the tenant's for a feature or plan change, the customer's for a write to
 * one of its subscriptions. (Usage ingestion drops its customers' usage itself.)
 */
export function invalidateEntitlementsAfterWrites(cache: EntitlementCache, prisma: BillingDatabase): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.res.status >= 400) return;
    const { tenantId } = c.get('principal');
    if (CHANGES_TENANT.test(c.req.path)) return cache.invalidate(tenantId, [ALL_CUSTOMERS]);
    const subscription = SUBSCRIPTION.exec(c.req.path);
    if (subscription === null) return;
    const subscriptionId = subscription[1];
    const customerId =
      subscriptionId === undefined
        ? ((await c.res.clone().json()) as { customerId?: string }).customerId
        : (await getSubscriptionRecord(prisma, { tenantId, subscriptionId }).catch(() => null))?.customerId;
    if (customerId !== undefined) cache.invalidate(tenantId, [customerId]);
  };
}
