import type { Db } from '../db.js';

/**
 * The channel every write that can change an entitlement answer notifies, inside its own
 * transaction (PostgreSQL delivers a notification only when the transaction commits, and never
 * for one that rolls back). Payload: `<kind>:<tenantId>:<customerId>` — `usage` when events were
 * stored (only the usage is read again), `plan` for anything else — with `*` for every customer
 * of the tenant (its features or plans changed). Each API process's entitlement cache listens.
 */
export const ENTITLEMENT_CHANNEL = 'entitlements_changed';

export const ALL_CUSTOMERS = '*';

export type EntitlementChangeKind = 'plan' | 'usage';

/** Notifies that these customers' entitlements (or, with `*`, every customer's of the tenant) may have changed. */
export async function notifyEntitlementsChanged(db: Db, tenantId: string, customerIds: readonly string[], kind: EntitlementChangeKind = 'plan'): Promise<void> {
  const keys = [...new Set(customerIds)].map((customerId) => `${kind}:${tenantId}:${customerId}`);
  if (keys.length === 0) return;
  await db.$executeRaw`SELECT pg_notify(${ENTITLEMENT_CHANNEL}, key) FROM unnest(${keys}::text[]) AS key`;
}

/** A notification's payload, parsed; null for one this code did not write. */
export function parseEntitlementChange(payload: string): { kind: EntitlementChangeKind; tenantId: string; customerId: string } | null {
  const [kind, tenantId, customerId, ...rest] = payload.split(':');
  if ((kind !== 'plan' && kind !== 'usage') || !tenantId || !customerId || rest.length > 0) return null;
  return { kind, tenantId, customerId };
}
