import { z } from 'zod';
import type { Invoice, InvoiceLine } from '../../generated/prisma/client.js';
import { InvoiceLineKind, InvoiceStatus } from '../../generated/prisma/enums.js';
import { decimalString, moneyFromColumn } from '../amounts.js';
import { instant, isoOrNull, minorUnits } from '../view-fields.js';

/**
 * What the API returns for invoices. The interfaces are what code builds; the schemas (same
 * shape, checked in test/integration/billing/invoice-reads.test.ts) document the responses in
 * OpenAPI, with `.meta({ id })` naming the component. Money is integer minor units next to its
 * currency, instants ISO-8601, decimals strings, absent values null: all plain JSON.
 */

export const invoiceLineViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('invoice_line'),
    kind: z.enum(InvoiceLineKind),
    description: z.string(),
    priceId: z.string().nullable(),
    subscriptionItemId: z.string().nullable(),
    quantity: z.int().nullable(),
    unitAmountDecimal: z.string().nullable().describe('Unit amount in minor units as a decimal string, e.g. "0.06"'),
    amount: minorUnits.describe('Negative for discounts and proration credits'),
    currency: z.string(),
    periodStart: instant.nullable(),
    periodEnd: instant.nullable(),
    meterId: z.string().nullable().describe('Usage lines: the meter billed'),
    usageQuantity: z.string().nullable().describe('Usage lines: the aggregated quantity (a decimal string); for a late-usage adjustment, the quantity added'),
  })
  .meta({ id: 'InvoiceLine' });

export interface InvoiceLineView {
  id: string;
  object: 'invoice_line';
  kind: InvoiceLineKind;
  description: string;
  priceId: string | null;
  subscriptionItemId: string | null;
  quantity: number | null;
  unitAmountDecimal: string | null;
  amount: number;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
  meterId: string | null;
  usageQuantity: string | null;
}

// The fields a list item and a full invoice share; only the lines differ.
const invoiceFields = {
  id: z.string(),
  object: z.literal('invoice'),
  number: z.string().nullable().describe('Assigned at finalization; null on drafts'),
  status: z.enum(InvoiceStatus),
  kind: z.string().describe('recurring | proration | final | manual'),
  customerId: z.string(),
  subscriptionId: z.string().nullable(),
  currency: z.string(),
  periodIndex: z.int().nullable(),
  periodStart: instant.nullable(),
  periodEnd: instant.nullable(),
  subtotal: minorUnits,
  discountTotal: minorUnits,
  taxTotal: minorUnits,
  total: minorUnits,
  creditApplied: minorUnits,
  amountDue: minorUnits,
  amountPaid: minorUnits,
  amountCredited: minorUnits.describe('The sum of its credit notes'),
  amountRemaining: minorUnits.describe('What credit notes can still credit: total − amountCredited'),
  amountRefunded: minorUnits.describe('What the gateway refunded of its payment (by credit notes or outside them)'),
  dispute: z
    .object({ status: z.string().describe("Stripe's dispute status: needs_response, under_review, won, lost…"), amount: minorUnits })
    .nullable()
    .describe('The latest dispute of its payment'),
  attemptCount: z.int(),
  nextPaymentAttemptAt: instant.nullable(),
  createdAt: instant,
  finalizedAt: instant.nullable(),
  paidAt: instant.nullable(),
  voidedAt: instant.nullable(),
  markedUncollectibleAt: instant.nullable(),
  attention: z
    .object({ reason: z.string().describe('gateway_rejected: the gateway refused the charge as an invalid request'), message: z.string(), since: instant })
    .nullable()
    .describe('Set while collection of this open invoice waits for an operator: void it, pay it again, or cancel the subscription'),
};

interface InvoiceFields {
  id: string;
  object: 'invoice';
  number: string | null;
  status: InvoiceStatus;
  kind: string;
  customerId: string;
  subscriptionId: string | null;
  currency: string;
  periodIndex: number | null;
  periodStart: string | null;
  periodEnd: string | null;
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
  creditApplied: number;
  amountDue: number;
  amountPaid: number;
  amountCredited: number;
  amountRemaining: number;
  amountRefunded: number;
  dispute: { status: string; amount: number } | null;
  attemptCount: number;
  nextPaymentAttemptAt: string | null;
  createdAt: string;
  finalizedAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  markedUncollectibleAt: string | null;
  attention: { reason: string; message: string; since: string } | null;
}

export const invoiceViewSchema = z.object({ ...invoiceFields, lines: z.array(invoiceLineViewSchema) }).meta({ id: 'Invoice' });

export interface InvoiceView extends InvoiceFields {
  /** In invoice order (position). */
  lines: InvoiceLineView[];
}

/** A list item leaves the lines out (a page of invoices stays small) and says how many there are. */
export const invoiceListItemViewSchema = z.object({ ...invoiceFields, lineCount: z.int() }).meta({ id: 'InvoiceListItem' });

export interface InvoiceListItemView extends InvoiceFields {
  lineCount: number;
}

export function toInvoiceLineView(line: InvoiceLine): InvoiceLineView {
  return {
    id: line.id,
    object: 'invoice_line',
    kind: line.kind,
    description: line.description,
    priceId: line.priceId,
    subscriptionItemId: line.subscriptionItemId,
    quantity: line.quantity,
    unitAmountDecimal: decimalString(line.unitAmountDecimal),
    amount: moneyFromColumn(line.amount, line.currency).amount,
    currency: line.currency.toUpperCase(),
    periodStart: isoOrNull(line.periodStart),
    periodEnd: isoOrNull(line.periodEnd),
    meterId: line.meterId,
    usageQuantity: decimalString(line.usageQuantity),
  };
}

function invoiceFieldsOf(invoice: Invoice): InvoiceFields {
  // Through the domain's Money: a BIGINT beyond the safe-integer range fails loudly
  // (amount_overflow) instead of being rounded by Number().
  const amount = (value: bigint) => moneyFromColumn(value, invoice.currency).amount;
  return {
    id: invoice.id,
    object: 'invoice',
    number: invoice.number,
    status: invoice.status,
    kind: invoice.kind,
    customerId: invoice.customerId,
    subscriptionId: invoice.subscriptionId,
    currency: invoice.currency.toUpperCase(),
    periodIndex: invoice.periodIndex,
    periodStart: isoOrNull(invoice.periodStart),
    periodEnd: isoOrNull(invoice.periodEnd),
    subtotal: amount(invoice.subtotal),
    discountTotal: amount(invoice.discountTotal),
    taxTotal: amount(invoice.taxTotal),
    total: amount(invoice.total),
    creditApplied: amount(invoice.creditApplied),
    amountDue: amount(invoice.amountDue),
    amountPaid: amount(invoice.amountPaid),
    amountCredited: amount(invoice.amountCredited),
    amountRemaining: amount(invoice.total - invoice.amountCredited),
    amountRefunded: amount(invoice.amountRefunded),
    dispute: invoice.disputeStatus === null ? null : { status: invoice.disputeStatus, amount: amount(invoice.disputedAmount) },
    attemptCount: invoice.attemptCount,
    nextPaymentAttemptAt: isoOrNull(invoice.nextPaymentAttemptAt),
    createdAt: invoice.createdAt.toISOString(),
    finalizedAt: isoOrNull(invoice.finalizedAt),
    paidAt: isoOrNull(invoice.paidAt),
    voidedAt: isoOrNull(invoice.voidedAt),
    markedUncollectibleAt: isoOrNull(invoice.markedUncollectibleAt),
    attention:
      invoice.attentionReason === null
        ? null
        : { reason: invoice.attentionReason, message: invoice.attentionMessage ?? '', since: (invoice.attentionSince ?? invoice.createdAt).toISOString() },
  };
}

/** `lines` must already be in position order. */
export function toInvoiceView(invoice: Invoice, lines: readonly InvoiceLine[]): InvoiceView {
  return { ...invoiceFieldsOf(invoice), lines: lines.map(toInvoiceLineView) };
}

export function toInvoiceListItemView(invoice: Invoice, lineCount: number): InvoiceListItemView {
  return { ...invoiceFieldsOf(invoice), lineCount };
}

/** The next invoice as it would be issued now: not stored, so it has no id (a held draft's is its own) and its lines none. */
export const upcomingInvoiceViewSchema = invoiceViewSchema
  .extend({
    id: z.string().nullable().describe('The held draft it will finalize, if there is one'),
    object: z.literal('upcoming_invoice'),
    createdAt: instant.describe('When it will be issued (a held draft: when its usage grace period ends)'),
    lines: z.array(invoiceLineViewSchema.extend({ id: z.null() })),
  })
  .meta({ id: 'UpcomingInvoice' });

export type UpcomingInvoiceView = Omit<InvoiceView, 'id' | 'object' | 'lines'> & {
  id: string | null;
  object: 'upcoming_invoice';
  lines: Array<Omit<InvoiceLineView, 'id'> & { id: null }>;
};

export function toUpcomingInvoiceView(preview: InvoiceView, heldInvoiceId: string | null, issuesAt: number): UpcomingInvoiceView {
  return { ...preview, id: heldInvoiceId, object: 'upcoming_invoice', createdAt: new Date(issuesAt).toISOString(), lines: preview.lines.map((line) => ({ ...line, id: null })) };
}
