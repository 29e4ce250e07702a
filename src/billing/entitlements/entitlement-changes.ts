import type { Db } from '../db.js';

/**
 * The channel every write that can change an entitlement answer notifies, inside its own
 * transaction (PostgreSQL delivers a notification only when the transaction commits, and never
 * for one that rolls back). Payload: `<tenantId>:<customerId>`, or `<tenantId>:*` for a change
 * of the tenant's features or plans. Each API process's entitlement cache listens.
 */
export const ENTITLEMENT_CHANNEL = 'entitlements_changed';

export const ALL_CUSTOMERS = '*';

/** Notifies that these customers' entitlements (or, with `*`, every customer's of the tenant) may have changed. */
export async function notifyEntitlementsChanged(db: Db, tenantId: string, customerIds: readonly string[]): Promise<void> {
  const keys = [...new Set(customerIds)].map((customerId) => `${tenantId}:${customerId}`);
  if (keys.length === 0) return;
  await db.$executeRaw`SELECT pg_notify(${ENTITLEMENT_CHANNEL}, key) FROM unnest(${keys}::text[]) AS key`;
}

/** A notification's payload, parsed; null for one this code did not write. */
export function parseEntitlementChange(payload: string): { tenantId: string; customerId: string } | null {
  const at = payload.lastIndexOf(':');
  if (at <= 0 || at === payload.length - 1) return null;
  return { tenantId: payload.slice(0, at), customerId: payload.slice(at + 1) };
}
