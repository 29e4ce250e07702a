import type { PrismaClient } from '../../db/prisma-client.js';
import type { DiscrepancyFinding } from './check-gateway-payments.js';

/**
 * Invoices our own records show paid more than once (two succeeded attempts), created in the
 * window. Each extra payment is one `duplicate_payment` finding.
 */
export async function findDuplicatePayments(prisma: PrismaClient, input: { createdFrom: number; createdTo: number }): Promise<DiscrepancyFinding[]> {
  const rows = await prisma.$queryRaw<Array<{ tenant_id: string; invoice_id: string; subscription_id: string | null; payment_intents: Array<string | null>; amounts: bigint[]; currency: string }>>`
    SELECT pa.tenant_id, pa.invoice_id, i.subscription_id, array_agg(pa.gateway_payment_intent_id ORDER BY pa.attempt_number) AS payment_intents,
           array_agg(pa.amount ORDER BY pa.attempt_number) AS amounts, min(pa.currency) AS currency
      FROM payment_attempts pa JOIN invoices i ON i.id = pa.invoice_id
     WHERE pa.status = 'succeeded' AND pa.created_at >= ${new Date(input.createdFrom)}::timestamp AND pa.created_at < ${new Date(input.createdTo)}::timestamp
     GROUP BY pa.tenant_id, pa.invoice_id, i.subscription_id
    HAVING count(*) > 1`;
  return rows.flatMap((row) =>
    row.payment_intents.slice(1).map((paymentIntentId, index) => ({
      kind: 'duplicate_payment' as const,
      tenantId: row.tenant_id,
      findingKey: `duplicate_payment:${paymentIntentId ?? `${row.invoice_id}:${index + 2}`}`,
      invoiceId: row.invoice_id,
      subscriptionId: row.subscription_id,
      paymentIntentId,
      amount: Number(row.amounts[index + 1]),
      currency: row.currency,
      details: { recordedPaymentIntents: row.payment_intents },
    })),
  );
}
