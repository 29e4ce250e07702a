import { refuse } from './refusals.js';
import type { CreditInvoiceRequest, CreditInvoiceResult, InvoiceActionRequest, PayInvoiceResult } from './subscription-messages.js';
import { attemptCharge, removeCollection, settleCollection } from './subscription-collection.js';
import type { SubscriptionContext } from './subscription-context.js';
import { viewOf } from './subscription-state.js';
import { recoverUnlessFailing } from './subscription-status.js';

/**
 * Operator actions on one invoice: pay now, void and credit. They run inside the workflow (not straight
 * against the database) because the workflow owns collection: a charge or a void that bypassed
 * it would race its dunning timers.
 */

function requireInvoiceId(request: InvoiceActionRequest): void {
  if (typeof request.invoiceId !== 'string' || request.invoiceId.length === 0 || request.invoiceId.length > 200) {
    throw refuse('invalid_invoice_action', 'invoiceId must be a non-empty string');
  }
}

/** Only an invoice the workflow is still collecting can be paid now (dunning over means it gave up). */
export function validatePayInvoice(ctx: SubscriptionContext, request: InvoiceActionRequest): void {
  requireInvoiceId(request);
  if (!ctx.state.collections.some((c) => c.invoiceId === request.invoiceId)) {
    throw refuse('invoice_not_collectible', `invoice ${request.invoiceId} is not being collected (it is paid, void, or dunning has ended)`);
  }
}

export async function payInvoiceNow(ctx: SubscriptionContext, request: InvoiceActionRequest, at: number): Promise<PayInvoiceResult> {
  const collection = ctx.state.collections.find((c) => c.invoiceId === request.invoiceId);
  if (!collection) {
    // Paid by a webhook or a retry while this update waited for the lock.
    return { invoiceId: request.invoiceId, outcome: 'already_paid', declineCode: null, subscription: viewOf(ctx.state) };
  }
  collection.waitingForCustomer = false;
  const result = await attemptCharge(ctx, collection, at);
  const declineCode = result.status === 'declined' ? result.declineCode : null;
  return { invoiceId: request.invoiceId, outcome: result.status, declineCode, subscription: viewOf(ctx.state) };
}

export function validateVoidInvoice(request: InvoiceActionRequest): void {
  requireInvoiceId(request);
}

/**
 * Voids the invoice (only an open or uncollectible one changes; a paid one stands) and stops
 * collecting it, giving back the credit and discount period it used. A change waiting for this
 * invoice's payment is dropped; a subscription that was past due (or incomplete) only because of
 * it is active again.
 */
export async function voidInvoice(ctx: SubscriptionContext, request: InvoiceActionRequest, at: number): Promise<void> {
  const s = ctx.state;
  const summary = await ctx.billing.voidInvoice({ tenantId: s.tenantId, invoiceId: request.invoiceId });
  if (summary.status !== 'void') {
    throw refuse('invoice_not_open', `invoice ${request.invoiceId} is ${summary.status} and cannot be voided`);
  }
  removeCollection(ctx, request);
  if (s.pendingPaymentChange?.invoiceId === request.invoiceId) s.pendingPaymentChange = null;
  recoverUnlessFailing(s);
  await ctx.persist('invoice_voided', at, { invoiceId: request.invoiceId });
}

export function validateCreditInvoice(request: CreditInvoiceRequest): void {
  requireInvoiceId(request);
  if (typeof request.creditNoteId !== 'string' || request.creditNoteId.length === 0 || request.creditNoteId.length > 200) {
    throw refuse('invalid_credit_note', 'creditNoteId must be a non-empty string');
  }
}

/**
 * A credit note on an open invoice, in the workflow's own step, so it can never race a charge:
 * what is due goes down (the next attempt charges less), and a note for all of it settles the
 * invoice as paid. An invoice nobody collects any more (left open by dunning) is credited too.
 */
export async function creditOpenInvoice(ctx: SubscriptionContext, request: CreditInvoiceRequest, at: number): Promise<CreditInvoiceResult> {
  const s = ctx.state;
  const { invoiceId, creditNoteId, ...note } = request;
  const result = await ctx.billing.creditOpenInvoice({ tenantId: s.tenantId, invoiceId, id: creditNoteId, ...note });
  const collection = s.collections.find((c) => c.invoiceId === invoiceId);
  if (collection !== undefined && result.invoice.status === 'paid') {
    await settleCollection(ctx, collection, 'paid', at);
  } else {
    if (collection !== undefined) collection.amountDue = result.invoice.amountDue.amount;
    await ctx.persist('invoice_credited', at, { invoiceId, creditNoteId });
  }
  return { creditNote: result.creditNote };
}
