import type { PrismaClient } from '../../db/prisma-client.js';

export interface StalePaymentAttempt {
  attemptId: string;
  tenantId: string;
  invoiceId: string;
  subscriptionId: string | null;
  attemptNumber: number;
  status: 'pending' | 'requires_action';
  gatewayPaymentIntentId: string | null;
  gatewayCustomerId: string | null;
  /** Epoch ms. */
  createdAt: number;
}

export const DEFAULT_RECONCILE_AFTER_MINUTES = 15;

/**
 * Payment attempts whose outcome we still do not know (`pending`: the charge was sent, its answer
 * never recorded; `requires_action`: waiting for 3-D Secure) for longer than the tenant's
 * `reconcile_after_minutes`, a page at a time in id order (`afterId` is the cursor).
 */
export async function findStalePaymentAttempts(prisma: PrismaClient, input: { now: Date; afterId: string | null; limit: number }): Promise<StalePaymentAttempt[]> {
  const rows = await prisma.$queryRaw<
    Array<{ id: string; tenant_id: string; invoice_id: string; subscription_id: string | null; attempt_number: number; status: string; gateway_payment_intent_id: string | null; gateway_customer_id: string | null; created_at: Date }>
  >`
    SELECT pa.id, pa.tenant_id, pa.invoice_id, i.subscription_id, pa.attempt_number, pa.status::text AS status,
           pa.gateway_payment_intent_id, c.gateway_customer_id, pa.created_at
      FROM payment_attempts pa
      JOIN invoices i ON i.id = pa.invoice_id
      JOIN customers c ON c.id = i.customer_id
      LEFT JOIN billing_settings bs ON bs.tenant_id = pa.tenant_id
     WHERE pa.status IN ('pending', 'requires_action')
       AND pa.created_at < ${input.now}::timestamp - make_interval(mins => COALESCE(bs.reconcile_after_minutes, ${DEFAULT_RECONCILE_AFTER_MINUTES}))
       AND (${input.afterId}::text IS NULL OR pa.id > ${input.afterId}::text)
     ORDER BY pa.id
     LIMIT ${input.limit}`;
  return rows.map((row) => ({
    attemptId: row.id,
    tenantId: row.tenant_id,
    invoiceId: row.invoice_id,
    subscriptionId: row.subscription_id,
    attemptNumber: row.attempt_number,
    status: row.status as 'pending' | 'requires_action',
    gatewayPaymentIntentId: row.gateway_payment_intent_id,
    gatewayCustomerId: row.gateway_customer_id,
    createdAt: row.created_at.getTime(),
  }));
}
