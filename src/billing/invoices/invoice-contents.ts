import type { TaxRate } from '../../domain/index.js';
import type { Customer, Invoice, Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { columnFromMoney, dateOrNull } from '../amounts.js';
import { notFound } from '../failures.js';
import { claimInvoiceItems } from '../invoice-items/claim-invoice-items.js';
import { priceInvoiceUsage } from '../usage/usage-lines.js';
import { computeInvoice, type ComputedLine } from './invoice-computation.js';
import type { ApplicableDiscount } from './invoice-discounts.js';
import type { CreateInvoiceInput, InvoiceLineInput } from './invoice-input.js';

/** A spend-threshold invoice whose usage has not reached the threshold: nothing is written (the transaction rolls back). */
export class BelowMinimumUsage extends Error {
  override name = 'BelowMinimumUsage';

  constructor(
    readonly accrued: number,
    readonly minimum: number,
  ) {
    super(`usage accrued ${accrued} is below ${minimum}`);
  }
}

/** The customer's tax rates: the active ones of their jurisdiction (none when they have no jurisdiction). */
export async function loadTaxRates(tx: Prisma.TransactionClient, tenantId: string, jurisdiction: string | null): Promise<TaxRate[]> {
  if (jurisdiction === null) return [];
  const rows = await tx.taxRate.findMany({
    where: { tenantId, jurisdiction: jurisdiction.toUpperCase(), active: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((row) => ({ id: row.id, jurisdiction: row.jurisdiction, percentage: row.percentage.toFixed(), inclusive: row.inclusive, name: row.displayName }));
}

/** Drafted lines may only name the tenant's own prices; the item is resolved when the subscription has one. */
async function subscriptionItemsByPrice(tx: Prisma.TransactionClient, tenantId: string, subscriptionId: string, lines: readonly InvoiceLineInput[]): Promise<Map<string, string>> {
  const priceIds = [...new Set(lines.flatMap((line) => (line.priceId === null ? [] : [line.priceId])))];
  const prices = await tx.price.findMany({ where: { id: { in: priceIds }, tenantId }, select: { id: true } });
  const missing = priceIds.find((id) => !prices.some((price) => price.id === id));
  if (missing !== undefined) throw notFound('price', missing);
  const items = await tx.subscriptionItem.findMany({ where: { tenantId, subscriptionId, priceId: { in: priceIds } } });
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
    meterId: draft?.meterId ?? null,
    usageQuantity: draft?.usageQuantity ?? null,
  };
}

/**
 * Writes an invoice's lines and named totals: the drafted lines, its usage priced from the
 * meters now (with adjustments for late usage), the one-off charges it claims, one line per
 * discount and per tax rate. Used when
 * an invoice is drafted and when a held draft is priced again, so both compute the same way; the
 * caller has deleted any earlier lines and usage charges of the invoice.
 */
export async function writeInvoiceContents(
  tx: Prisma.TransactionClient,
  invoice: Invoice,
  input: Pick<CreateInvoiceInput, 'lines' | 'usage' | 'currency'>,
  context: { customer: Customer; discounts: readonly ApplicableDiscount[]; now: Date },
): Promise<Invoice> {
  const { tenantId } = invoice;
  const subscriptionId = invoice.subscriptionId ?? '';
  const closing = input.usage?.closeUsage === true && subscriptionId !== '';
  // Under the row's exclusive lock from before usage is read until the close commits: ingestion
  // holds it shared while it attributes and stores events, so each event is either in this
  // invoice's usage or sees the usage closed — none stored as billable after the read.
  if (closing) await tx.$queryRaw`SELECT id FROM subscriptions WHERE id = ${subscriptionId} FOR UPDATE`;
  const usage = input.usage ? await priceInvoiceUsage(tx, { tenantId, subscriptionId, customerId: invoice.customerId, currency: invoice.currency }, input.usage, invoice.id) : { lines: [], charges: [] };
  if (input.usage?.minimumAmount !== undefined) {
    const accrued = usage.lines.reduce((sum, line) => sum + line.amount.amount, 0);
    if (accrued < input.usage.minimumAmount) throw new BelowMinimumUsage(accrued, input.usage.minimumAmount);
  }
  // One-off charges wait for the period's own invoice, not a spend-threshold one.
  const drafted = [...input.lines, ...usage.lines, ...(invoice.kind === 'threshold' ? [] : await claimInvoiceItems(tx, invoice))];
  const rates = await loadTaxRates(tx, tenantId, context.customer.taxJurisdiction);
  const items = await subscriptionItemsByPrice(tx, tenantId, subscriptionId, drafted);
  const { totals, lines } = computeInvoice({ currency: invoice.currency, lines: drafted }, context.discounts, rates, context.customer.taxJurisdiction);
  await tx.invoiceLine.createMany({ data: lines.map((line, position) => lineRow(line, position, { tenantId, invoiceId: invoice.id, items })) });
  if (usage.charges.length > 0) {
    await tx.usageCharge.createMany({
      data: usage.charges.map((charge) => ({
        id: newId('uc'),
        tenantId,
        subscriptionId,
        invoiceId: invoice.id,
        meterId: charge.meterId,
        priceId: charge.priceId,
        windowStart: new Date(charge.windowStart),
        windowEnd: new Date(charge.windowEnd),
        quantity: charge.quantity,
        amount: charge.amount,
        kind: charge.kind,
        createdAt: context.now,
      })),
    });
  }
  if (closing) {
    await tx.subscription.update({ where: { id: subscriptionId }, data: { usageClosedAt: context.now } });
  }
  return tx.invoice.update({
    where: { id: invoice.id },
    data: {
      subtotal: columnFromMoney(totals.subtotal),
      discountTotal: columnFromMoney(totals.discount),
      taxTotal: columnFromMoney(totals.tax),
      total: columnFromMoney(totals.total),
      creditApplied: 0n,
      // A negative total (a net credit) is due as nothing; applyCreditBalance banks it.
      amountDue: columnFromMoney(totals.amountDue),
      appliedDiscountIds: context.discounts.map((d) => d.discountId),
    },
  });
}
