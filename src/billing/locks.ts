import type { Prisma } from '../generated/prisma/client.js';

/**
 * Row locks (SELECT … FOR UPDATE) that serialise writers of the same aggregate inside a
 * transaction. Prisma has no FOR UPDATE, hence raw SQL; every lock is scoped by tenant, so a
 * foreign id locks nothing and reads as "not found". Lock order, where several are taken:
 * customer, then invoice, then discounts, then the invoice number sequence. (A customer's pending
 * invoice items are taken with SKIP LOCKED, never waited for: see claimInvoiceItems.)
 */
export async function lockCustomer(tx: Prisma.TransactionClient, tenantId: string, customerId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM customers WHERE id = ${customerId} AND tenant_id = ${tenantId} FOR UPDATE`;
  return rows.length === 1;
}

export async function lockInvoice(tx: Prisma.TransactionClient, tenantId: string, invoiceId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM invoices WHERE id = ${invoiceId} AND tenant_id = ${tenantId} FOR UPDATE`;
  return rows.length === 1;
}

export async function lockSubscription(tx: Prisma.TransactionClient, tenantId: string, subscriptionId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM subscriptions WHERE id = ${subscriptionId} AND tenant_id = ${tenantId} FOR UPDATE`;
  return rows.length === 1;
}

/** Active discounts of a subscription and of its customer (customer-wide ones only), locked. */
export async function lockActiveDiscounts(
  tx: Prisma.TransactionClient,
  tenantId: string,
  subscriptionId: string,
  customerId: string,
): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM discounts
    WHERE tenant_id = ${tenantId} AND ended_at IS NULL
      AND (subscription_id = ${subscriptionId} OR (customer_id = ${customerId} AND subscription_id IS NULL))
    ORDER BY id FOR UPDATE`;
  return rows.map((row) => row.id);
}

/** Keys are locked on their own, never with the billing rows above. */
export async function lockApiKey(tx: Prisma.TransactionClient, tenantId: string, apiKeyId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM api_keys WHERE id = ${apiKeyId} AND tenant_id = ${tenantId} FOR UPDATE`;
  return rows.length === 1;
}

/** The tenant's admin keys that still authenticate, locked in id order. */
export async function lockLiveAdminKeys(tx: Prisma.TransactionClient, tenantId: string): Promise<Array<{ id: string; expiresAt: Date | null }>> {
  return tx.$queryRaw<Array<{ id: string; expiresAt: Date | null }>>`
    SELECT id, expires_at AS "expiresAt" FROM api_keys
    WHERE tenant_id = ${tenantId} AND role = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
    ORDER BY id FOR UPDATE`;
}
