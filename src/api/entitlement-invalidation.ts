import type { MiddlewareHandler } from 'hono';
import { ALL_CUSTOMERS } from '../billing/entitlements/entitlement-changes.js';
import type { EntitlementCache } from '../billing/entitlements/entitlement-cache.js';
import type { ApiEnv } from './env.js';

/** Writes that can change what a tenant's customers are entitled to (usage ingestion invalidates per customer itself). */
const CHANGES_ENTITLEMENTS = /^\/v1\/(subscriptions|features|products\/[^/]+\/entitlements|prices\/[^/]+\/entitlements)(\/|$)/;

/**
 * Every write above also notifies the cache of every API process through PostgreSQL when it
 * commits; this drops the tenant's answers in this process as soon as the write returns, so the
 * caller's next check (which may reach this process before the notification does) sees its write.
 */
export function invalidateEntitlementsAfterWrites(cache: EntitlementCache): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.res.status >= 400 || !CHANGES_ENTITLEMENTS.test(c.req.path)) return;
    cache.invalidate(c.get('principal').tenantId, [ALL_CUSTOMERS]);
  };
}
