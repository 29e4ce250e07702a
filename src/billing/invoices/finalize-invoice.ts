import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { runInTransaction } from '../db.js';
import { lockInvoice } from '../locks.js';
import { invoiceEvent, writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

/** `INV-000042`: zero-padded so numbers sort as text too. */
export function formatInvoiceNumber(sequence: number): string {
  return `INV-${String(sequence).padStart(6, '0')}`;
}

/**
 * The tenant's next invoice number. One upsert both creates the sequence row on first use and
 * takes its row lock (concurrent finalizations queue here until the holder commits); a rolled
 * back finalization rolls its increment back too, so numbers are gapless and never reused.
 */
async function takeInvoiceNumber(tx: Prisma.TransactionClient, tenantId: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ number: number }>>`
    INSERT INTO invoice_number_sequences (tenant_id, next_number) VALUES (${tenantId}, 2)
    ON CONFLICT (tenant_id) DO UPDATE SET next_number = invoice_number_sequences.next_number + 1
    RETURNING next_number - 1 AS number`;
  const [row] = rows;
  if (row === undefined) throw new Error(`No invoice number for tenant ${tenantId}`);
  return Number(row.number);
}

/**
 * Draft → open with the next number; paid at once when nothing is due. A finalized invoice is
 * returned as is. `now` is the billing clock.
 */
export async function finalizeInvoice(prisma: PrismaClient, input: { tenantId: string; invoiceId: string }, now: Date): Promise<InvoiceSummary> {
  await requireInvoice(prisma, input.tenantId, input.invoiceId);
  return runInTransaction(prisma, (tx) => finalizeInvoiceInTransaction(tx, input, now));
}

/** finalizeInvoice inside an open transaction (issueInvoice's last step: the number is taken just before its commit). */
export async function finalizeInvoiceInTransaction(tx: Prisma.TransactionClient, input: { tenantId: string; invoiceId: string }, now: Date): Promise<InvoiceSummary> {
  const { tenantId, invoiceId } = input;
  await lockInvoice(tx, tenantId, invoiceId);
  const invoice = await requireInvoice(tx, tenantId, invoiceId);
  if (invoice.status !== 'draft') return toInvoiceSummary(invoice);
  const number = formatInvoiceNumber(await takeInvoiceNumber(tx, tenantId));
  const paidAtOnce = invoice.amountDue === 0n;
  const updated = await tx.invoice.update({
    where: { id: invoice.id },
    data: { number, status: paidAtOnce ? 'paid' : 'open', finalizedAt: now, ...(paidAtOnce ? { paidAt: now, amountPaid: 0n } : {}) },
  });
  const summary = toInvoiceSummary(updated);
  const facts = { number, subscriptionId: invoice.subscriptionId, customerId: invoice.customerId, amountDue: summary.amountDue };
  await writeOutboxEvents(tx, tenantId, [
    invoiceEvent('invoice.finalized', invoice.id, 'finalized', { ...facts, total: summary.total }),
    ...(paidAtOnce ? [invoiceEvent('invoice.paid', invoice.id, 'paid', { ...facts, amountPaid: summary.amountPaid })] : []),
  ]);
  return summary;
}
