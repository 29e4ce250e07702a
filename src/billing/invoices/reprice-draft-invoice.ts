import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { runInTransaction } from '../db.js';
import { notFound } from '../failures.js';
import { lockInvoice } from '../locks.js';
import { writeInvoiceContents } from './invoice-contents.js';
import { loadDiscountsOfDraft } from './invoice-discounts.js';
import type { CreateInvoiceInput } from './invoice-input.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

export interface RepriceDraftInput {
  tenantId: string;
  invoiceId: string;
  lines: CreateInvoiceInput['lines'];
  usage: NonNullable<CreateInvoiceInput['usage']>;
}

/**
 * Prices a held draft again from the same drafted lines and the usage as it stands now, so
 * events that arrived during the grace period land on it; discounts are the ones it was drafted
 * with, tax is recomputed. A draft that has been finalized meanwhile is returned as it is.
 */
export async function repriceDraftInTransaction(tx: Prisma.TransactionClient, input: RepriceDraftInput, now: Date): Promise<InvoiceSummary> {
  await lockInvoice(tx, input.tenantId, input.invoiceId);
  const invoice = await requireInvoice(tx, input.tenantId, input.invoiceId);
  // Credit is applied after the last pricing: a draft that has it was priced already (a retried step).
  if (invoice.status !== 'draft' || invoice.creditApplied !== 0n) return toInvoiceSummary(invoice);
  const customer = await tx.customer.findFirst({ where: { id: invoice.customerId, tenantId: input.tenantId } });
  if (customer === null) throw notFound('customer', invoice.customerId);
  const discounts = await loadDiscountsOfDraft(tx, input.tenantId, invoice.appliedDiscountIds);
  await tx.usageCharge.deleteMany({ where: { invoiceId: invoice.id } });
  await tx.invoiceLine.deleteMany({ where: { invoiceId: invoice.id } });
  const repriced = await writeInvoiceContents(tx, invoice, { currency: invoice.currency, lines: input.lines, usage: input.usage }, { customer, discounts, now });
  return toInvoiceSummary(repriced);
}

export function repriceDraftInvoice(prisma: PrismaClient, input: RepriceDraftInput, now: Date): Promise<InvoiceSummary> {
  return runInTransaction(prisma, (tx) => repriceDraftInTransaction(tx, input, now));
}
