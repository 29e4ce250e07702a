import type { Prisma } from '../../generated/prisma/client.js';
import type { PaymentCorrectionRecorder, PaymentEvent } from '../../payments/payment-events.js';
import { lockInvoice } from '../locks.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';

type Correction = Extract<PaymentEvent, { kind: 'payment_refunded' | 'payment_disputed' }>;

/** A dispute only moves forward: a late `created` never reopens one the network has decided. */
const DECIDED = new Set(['won', 'lost']);

async function recordRefund(tx: Prisma.TransactionClient, tenantId: string, invoiceId: string, event: Extract<Correction, { kind: 'payment_refunded' }>): Promise<void> {
  // The charge's cumulative refunded amount, whoever refunded (a credit note, or the dashboard).
  const moved = await tx.$executeRaw`UPDATE invoices SET amount_refunded = GREATEST(amount_refunded, ${BigInt(event.amountRefunded.amount)}) WHERE id = ${invoiceId} AND tenant_id = ${tenantId}`;
  const invoice = moved === 0 ? null : await tx.invoice.findFirst({ where: { id: invoiceId, tenantId }, select: { customerId: true, subscriptionId: true } });
  if (invoice === null) return;
  // One event per cumulative figure: the same webhook twice adds nothing, a second partial refund is news.
  await writeOutboxEvents(tx, tenantId, [
    {
      type: 'payment.refunded',
      aggregateType: 'invoice',
      aggregateId: invoiceId,
      dedupeKey: `payment:${event.chargeId}:refunded:${event.amountRefunded.amount}`,
      payload: { invoiceId, customerId: invoice.customerId, subscriptionId: invoice.subscriptionId, chargeId: event.chargeId, amountRefunded: event.amountRefunded },
    },
  ]);
}

async function recordDispute(tx: Prisma.TransactionClient, tenantId: string, invoiceId: string, event: Extract<Correction, { kind: 'payment_disputed' }>): Promise<void> {
  const invoice = await tx.invoice.findFirst({ where: { id: invoiceId, tenantId }, select: { disputeStatus: true, customerId: true, subscriptionId: true } });
  if (invoice === null) return;
  if (invoice.disputeStatus !== null && DECIDED.has(invoice.disputeStatus) && !DECIDED.has(event.status)) return;
  await tx.invoice.update({ where: { id: invoiceId }, data: { disputeStatus: event.status, disputedAmount: BigInt(event.amount.amount) } });
  const type = event.status === 'lost' ? 'invoice.dispute_lost' : event.status === 'won' ? 'invoice.dispute_won' : 'invoice.disputed';
  await writeOutboxEvents(tx, tenantId, [
    {
      type,
      aggregateType: 'invoice',
      aggregateId: invoiceId,
      dedupeKey: `dispute:${event.disputeId}:${event.status}`,
      payload: { invoiceId, customerId: invoice.customerId, subscriptionId: invoice.subscriptionId, disputeId: event.disputeId, status: event.status, reason: event.reason, amount: event.amount },
    },
  ]);
}

/**
 * Writes a refund or dispute of an invoice's payment on the invoice, in the webhook's transaction:
 * `amountRefunded` follows the charge's own cumulative figure (never down), and `dispute` the
 * dispute's status — a lost dispute is marked (`dispute.status: "lost"`, event
 * `invoice.dispute_lost`): the money went back to the cardholder through the network.
 */
export const paymentCorrections: PaymentCorrectionRecorder = {
  async record(tx, event) {
    if (event.tenantId === null || event.invoiceId === null) return;
    if (!(await lockInvoice(tx, event.tenantId, event.invoiceId))) return;
    if (event.kind === 'payment_refunded') await recordRefund(tx, event.tenantId, event.invoiceId, event);
    else await recordDispute(tx, event.tenantId, event.invoiceId, event);
  },
};
