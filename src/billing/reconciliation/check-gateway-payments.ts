import type { PrismaClient } from '../../db/prisma-client.js';
import type { PaymentGateway } from '../../payments/gateway.js';
import { DEFAULT_RECONCILE_AFTER_MINUTES } from './find-stale-payment-attempts.js';

export type DiscrepancyKind = 'unrecorded_payment' | 'duplicate_payment';

/** One disagreement between the gateway's ledger and ours. */
export interface DiscrepancyFinding {
  kind: DiscrepancyKind;
  tenantId: string;
  /** Unique per tenant: the same disagreement found again is the same finding. */
  findingKey: string;
  invoiceId: string | null;
  subscriptionId: string | null;
  paymentIntentId: string | null;
  amount: number | null;
  currency: string | null;
  details: Record<string, unknown>;
}

/**
 * One page of the gateway's payments created in the window, each succeeded one checked against
 * the invoice it names (metadata): a payment no paid invoice records is `unrecorded_payment`; a
 * payment for an invoice already paid by another is `duplicate_payment`. Payments younger than
 * `settledBefore` are skipped (their outcome may still be on its way), and so are payments
 * without our metadata (made elsewhere on the account).
 */
export async function checkGatewayPayments(
  deps: { prisma: PrismaClient; gateway: PaymentGateway },
  input: { createdFrom: number; createdTo: number; cursor: string | null },
): Promise<{ checked: number; findings: DiscrepancyFinding[]; nextCursor: string | null }> {
  const page = await deps.gateway.listPayments({ createdFrom: input.createdFrom, createdTo: input.createdTo, startingAfter: input.cursor });
  const ours = page.payments.filter((payment) => payment.status === 'succeeded' && payment.metadata.invoice_id && payment.metadata.tenant_id);
  const tenantIds = [...new Set(ours.map((payment) => payment.metadata.tenant_id!))];
  const [settleMs, knownTenants] = await Promise.all([reconcileAfterMs(deps.prisma, tenantIds), existingTenants(deps.prisma, tenantIds)]);
  const succeeded = ours.filter((payment) => payment.created <= input.createdTo - (settleMs.get(payment.metadata.tenant_id!) ?? DEFAULT_RECONCILE_AFTER_MINUTES * 60_000));
  const invoiceIds = [...new Set(succeeded.map((payment) => payment.metadata.invoice_id!))];
  const invoices = await deps.prisma.invoice.findMany({
    where: { id: { in: invoiceIds } },
    select: { id: true, tenantId: true, status: true, subscriptionId: true, paymentAttempts: { where: { status: 'succeeded' }, select: { gatewayPaymentIntentId: true } } },
  });
  const byId = new Map(invoices.map((invoice) => [invoice.id, invoice]));
  const findings: DiscrepancyFinding[] = [];
  for (const payment of succeeded) {
    const invoiceId = payment.metadata.invoice_id!;
    const tenantId = payment.metadata.tenant_id!;
    const invoice = byId.get(invoiceId);
    if (invoice && invoice.tenantId !== tenantId) continue; // not a payment of ours to judge
    const recorded = invoice?.paymentAttempts.map((attempt) => attempt.gatewayPaymentIntentId) ?? [];
    if (invoice?.status === 'paid' && recorded.includes(payment.paymentIntentId)) continue;
    const paidByAnother = invoice?.status === 'paid' && recorded.some((id) => id !== null && id !== payment.paymentIntentId);
    const kind: DiscrepancyKind = paidByAnother ? 'duplicate_payment' : 'unrecorded_payment';
    if (!invoice && !knownTenants.has(tenantId)) continue;
    findings.push({
      kind,
      tenantId,
      findingKey: `${kind}:${payment.paymentIntentId}`,
      invoiceId: invoice ? invoiceId : null,
      subscriptionId: invoice?.subscriptionId ?? payment.metadata.subscription_id ?? null,
      paymentIntentId: payment.paymentIntentId,
      amount: payment.amount.amount,
      currency: payment.amount.currency,
      details: { invoiceStatus: invoice?.status ?? 'not_found', invoiceIdAtGateway: invoiceId, attempt: payment.metadata.attempt ?? null, recordedPaymentIntents: recorded.filter((id) => id !== null) },
    });
  }
  return { checked: page.payments.length, findings, nextCursor: page.nextCursor };
}

async function reconcileAfterMs(prisma: PrismaClient, tenantIds: string[]): Promise<Map<string, number>> {
  if (tenantIds.length === 0) return new Map();
  const settings = await prisma.billingSettings.findMany({ where: { tenantId: { in: tenantIds } }, select: { tenantId: true, reconcileAfterMinutes: true } });
  return new Map(settings.map((row) => [row.tenantId, row.reconcileAfterMinutes * 60_000]));
}

/** Which of these tenants exist (a payment naming another is not ours to judge). */
async function existingTenants(prisma: PrismaClient, tenantIds: string[]): Promise<Set<string>> {
  if (tenantIds.length === 0) return new Set();
  return new Set((await prisma.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true } })).map((row) => row.id));
}
