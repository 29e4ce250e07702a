import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { dateOrNull } from '../amounts.js';
import { isUniqueViolation, runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { invoiceEvent, writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { writeInvoiceContents } from './invoice-contents.js';
import type { CreateInvoiceInput } from './invoice-input.js';
import { consumeDiscounts, loadApplicableDiscounts } from './invoice-discounts.js';
import { toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

async function findBySourceKey(prisma: PrismaClient, input: CreateInvoiceInput): Promise<InvoiceSummary | null> {
  const invoice = await prisma.invoice.findUnique({ where: { tenantId_sourceKey: { tenantId: input.tenantId, sourceKey: input.sourceKey } } });
  return invoice === null ? null : toInvoiceSummary(invoice);
}

/**
 * Builds the invoice in one transaction. The invoice row is inserted first: it claims the
 * (tenant, sourceKey) key, so a concurrent duplicate blocks on the unique index and fails once
 * this commits, before it has read or changed anything (no coupon used twice).
 */
export async function draftInvoiceInTransaction(tx: Prisma.TransactionClient, input: CreateInvoiceInput, now: Date): Promise<InvoiceSummary> {
  const { tenantId } = input;
  const customer = await tx.customer.findFirst({ where: { id: input.customerId, tenantId } });
  if (customer === null) throw notFound('customer', input.customerId);
  const subscription = await tx.subscription.findFirst({ where: { id: input.subscriptionId, tenantId, customerId: customer.id } });
  if (subscription === null) throw notFound('subscription', input.subscriptionId);
  if (subscription.currency !== input.currency) {
    throw failure('currency_mismatch', `The subscription bills in ${subscription.currency}, not ${input.currency}`);
  }
  const invoiceId = newId('inv');
  const draft = await tx.invoice.create({
    data: {
      id: invoiceId,
      tenantId,
      customerId: customer.id,
      subscriptionId: subscription.id,
      sourceKey: input.sourceKey,
      kind: input.kind,
      status: 'draft',
      currency: subscription.currency,
      periodIndex: input.periodIndex,
      periodStart: dateOrNull(input.periodStart),
      periodEnd: dateOrNull(input.periodEnd),
      createdAt: now,
    },
  });
  const discounts = await loadApplicableDiscounts(tx, { tenantId, subscriptionId: subscription.id, customerId: customer.id, currency: subscription.currency });
  const invoice = await writeInvoiceContents(tx, draft, input, { customer, discounts, now });
  if (input.kind === 'recurring') await consumeDiscounts(tx, invoiceId, discounts, now);
  const summary = toInvoiceSummary(invoice);
  await writeOutboxEvents(tx, tenantId, [
    invoiceEvent('invoice.created', invoiceId, 'created', { subscriptionId: subscription.id, customerId: customer.id, sourceKey: input.sourceKey, kind: input.kind, total: summary.total }),
  ]);
  return summary;
}

/**
 * The draft invoice for `sourceKey`, with discount and tax lines and its named totals; a retry,
 * or a concurrent duplicate, returns the same invoice. `now` is the billing clock.
 */
export async function createInvoice(prisma: PrismaClient, input: CreateInvoiceInput, now: Date): Promise<InvoiceSummary> {
  const existing = await findBySourceKey(prisma, input);
  if (existing !== null) return existing;
  try {
    return await runInTransaction(prisma, (tx) => draftInvoiceInTransaction(tx, input, now));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findBySourceKey(prisma, input);
    if (winner === null) throw error;
    return winner;
  }
}
