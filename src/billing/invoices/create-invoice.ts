import type { TaxRate } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { columnFromMoney, dateOrNull } from '../amounts.js';
import { isUniqueViolation, runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { invoiceEvent, writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { computeInvoice, type ComputedLine } from './invoice-computation.js';
import type { CreateInvoiceInput } from './invoice-input.js';
import { consumeDiscounts, loadApplicableDiscounts } from './invoice-discounts.js';
import { toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

async function findBySourceKey(prisma: PrismaClient, input: CreateInvoiceInput): Promise<InvoiceSummary | null> {
  const invoice = await prisma.invoice.findUnique({ where: { tenantId_sourceKey: { tenantId: input.tenantId, sourceKey: input.sourceKey } } });
  return invoice === null ? null : toInvoiceSummary(invoice);
}

/** The customer's tax rates: the active ones of their jurisdiction (none when they have no jurisdiction). */
async function loadTaxRates(tx: Prisma.TransactionClient, tenantId: string, jurisdiction: string | null): Promise<TaxRate[]> {
  if (jurisdiction === null) return [];
  const rows = await tx.taxRate.findMany({
    where: { tenantId, jurisdiction: jurisdiction.toUpperCase(), active: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((row) => ({ id: row.id, jurisdiction: row.jurisdiction, percentage: row.percentage.toFixed(), inclusive: row.inclusive, name: row.displayName }));
}

/** Drafted lines may only name the tenant's own prices; the item is resolved when the subscription has one. */
async function subscriptionItemsByPrice(tx: Prisma.TransactionClient, input: CreateInvoiceInput): Promise<Map<string, string>> {
  const priceIds = [...new Set(input.lines.flatMap((line) => (line.priceId === null ? [] : [line.priceId])))];
  const prices = await tx.price.findMany({ where: { id: { in: priceIds }, tenantId: input.tenantId }, select: { id: true } });
  const missing = priceIds.find((id) => !prices.some((price) => price.id === id));
  if (missing !== undefined) throw notFound('price', missing);
  const items = await tx.subscriptionItem.findMany({ where: { tenantId: input.tenantId, subscriptionId: input.subscriptionId, priceId: { in: priceIds } } });
  return new Map(items.map((item) => [item.priceId, item.id]));
}

function lineRow(line: ComputedLine, position: number, context: { tenantId: string; invoiceId: string; items: Map<string, string> }) {
  const { draft } = line;
  return {
    id: newId('il'),
    tenantId: context.tenantId,
    invoiceId: context.invoiceId,
    kind: line.kind,
    description: line.description,
    priceId: draft?.priceId ?? null,
    subscriptionItemId: draft === null || draft.priceId === null ? null : (context.items.get(draft.priceId) ?? null),
    quantity: draft?.quantity ?? null,
    unitAmountDecimal: draft?.unitAmountDecimal ?? null,
    amount: columnFromMoney(line.amount),
    currency: line.amount.currency,
    periodStart: dateOrNull(draft?.periodStart ?? null),
    periodEnd: dateOrNull(draft?.periodEnd ?? null),
    position,
  };
}

/**
 * Builds the invoice in one transaction. The invoice row is inserted first: it claims the
 * (tenant, sourceKey) key, so a concurrent duplicate blocks on the unique index and fails once
 * this commits, before it has read or changed anything (no coupon used twice).
 */
async function insertInvoice(prisma: PrismaClient, input: CreateInvoiceInput, now: Date): Promise<InvoiceSummary> {
  return runInTransaction(prisma, async (tx) => {
    const { tenantId } = input;
    const customer = await tx.customer.findFirst({ where: { id: input.customerId, tenantId } });
    if (customer === null) throw notFound('customer', input.customerId);
    const subscription = await tx.subscription.findFirst({ where: { id: input.subscriptionId, tenantId, customerId: customer.id } });
    if (subscription === null) throw notFound('subscription', input.subscriptionId);
    if (subscription.currency !== input.currency) {
      throw failure('currency_mismatch', `The subscription bills in ${subscription.currency}, not ${input.currency}`);
    }
    const invoiceId = newId('inv');
    await tx.invoice.create({
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
    const rates = await loadTaxRates(tx, tenantId, customer.taxJurisdiction);
    const items = await subscriptionItemsByPrice(tx, input);
    const { totals, lines } = computeInvoice(input, discounts, rates, customer.taxJurisdiction);
    await tx.invoiceLine.createMany({ data: lines.map((line, position) => lineRow(line, position, { tenantId, invoiceId, items })) });
    const invoice = await tx.invoice.update({
      where: { id: invoiceId },
      data: {
        subtotal: columnFromMoney(totals.subtotal),
        discountTotal: columnFromMoney(totals.discount),
        taxTotal: columnFromMoney(totals.tax),
        total: columnFromMoney(totals.total),
        creditApplied: 0n,
        // A negative total (a net credit) is due as nothing; applyCreditBalance banks it.
        amountDue: columnFromMoney(totals.amountDue),
      },
    });
    if (input.kind === 'recurring') await consumeDiscounts(tx, invoiceId, discounts, now);
    const summary = toInvoiceSummary(invoice);
    await writeOutboxEvents(tx, tenantId, [
      invoiceEvent('invoice.created', invoiceId, 'created', { subscriptionId: subscription.id, customerId: customer.id, sourceKey: input.sourceKey, kind: input.kind, total: summary.total }),
    ]);
    return summary;
  });
}

/**
 * The draft invoice for `sourceKey`, with discount and tax lines and its named totals; a retry,
 * or a concurrent duplicate, returns the same invoice. `now` is the billing clock.
 */
export async function createInvoice(prisma: PrismaClient, input: CreateInvoiceInput, now: Date): Promise<InvoiceSummary> {
  const existing = await findBySourceKey(prisma, input);
  if (existing !== null) return existing;
  try {
    return await insertInvoice(prisma, input, now);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findBySourceKey(prisma, input);
    if (winner === null) throw error;
    return winner;
  }
}
