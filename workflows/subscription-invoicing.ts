import type { ChargeInvoiceResult, CreateInvoiceInput, InvoiceSummary } from '../activities/types.js';
import { attemptCharge, registerCollection } from './subscription-collection.js';
import type { SubscriptionContext } from './subscription-context.js';
import type { CollectionState, HeldDraft } from './subscription-state.js';

export type InvoiceDraft = Omit<CreateInvoiceInput, 'tenantId' | 'customerId' | 'subscriptionId' | 'currency'>;

type OnIssued = (invoice: InvoiceSummary) => Promise<void>;

const ids = (ctx: SubscriptionContext) => ({ tenantId: ctx.state.tenantId, customerId: ctx.state.customerId, subscriptionId: ctx.state.subscriptionId, currency: ctx.state.currency });

/** Apply credit → finalize → register for collection → `onIssued` → first charge at `at`. */
async function finalizeAndCollect(ctx: SubscriptionContext, invoiceId: string, collection: { purpose: CollectionState['purpose']; at: number }, onIssued: OnIssued) {
  const s = ctx.state;
  await ctx.billing.applyCreditBalance({ tenantId: s.tenantId, invoiceId });
  const invoice = await ctx.billing.finalizeInvoice({ tenantId: s.tenantId, invoiceId });
  return collect(ctx, invoice, collection, onIssued);
}

/** Register for collection → `onIssued` → first charge at `at`. */
export async function collect(ctx: SubscriptionContext, invoice: InvoiceSummary, collection: { purpose: CollectionState['purpose']; at: number }, onIssued: OnIssued) {
  const collecting = invoice.status === 'open' ? registerCollection(ctx, invoice, collection.purpose, collection.at) : null;
  await onIssued(invoice);
  const charge: ChargeInvoiceResult | null = collecting === null ? null : await attemptCharge(ctx, collecting, collection.at);
  return { invoice, charge };
}

/**
 * Issuing an invoice, the one sequence every invoice of a subscription goes through: create (by
 * source key, so a retried step finds the same invoice) → apply the credit balance → finalize →
 * collect. An open invoice is registered for collection before `onIssued` records it, so a step
 * that fails after this point still has the invoice collected on its retry; then the first
 * charge is attempted at `collection.at`.
 */
export async function issueInvoice(ctx: SubscriptionContext, draft: InvoiceDraft, collection: { purpose: CollectionState['purpose']; at: number }, onIssued: OnIssued) {
  if (!ctx.fewerRoundTrips) {
    const created = await ctx.billing.createInvoice({ ...draft, ...ids(ctx) });
    return finalizeAndCollect(ctx, created.invoiceId, collection, onIssued);
  }
  // Create, credit and finalize in one transaction; what onIssued persists travels with the charge.
  const invoice = await ctx.billing.issueInvoice({ invoice: { ...draft, ...ids(ctx) } });
  return collect(ctx, invoice, collection, onIssued);
}

/**
 * The first half of issuing an invoice that bills usage: it is created as a draft and held until
 * `finalizeAt` (the tenant's grace period), so events timestamped in its windows that arrive
 * meanwhile land on it. `finalizeHeldDraft` does the rest.
 */
export async function holdInvoice(ctx: SubscriptionContext, draft: InvoiceDraft & { usage: NonNullable<InvoiceDraft['usage']> }, hold: Pick<HeldDraft, 'purpose' | 'finalizeAt'>): Promise<InvoiceSummary> {
  // The last usage is closed only when the draft is priced for the last time.
  const created = await ctx.billing.createInvoice({ ...draft, usage: { ...draft.usage, closeUsage: false }, ...ids(ctx) });
  ctx.state.heldDraft = { invoiceId: created.invoiceId, purpose: hold.purpose, finalizeAt: hold.finalizeAt, lines: draft.lines, usage: draft.usage, periodIndex: draft.periodIndex };
  return created;
}

/** The grace period is over: the held draft is priced again with the usage as it now stands, then finalized and collected. */
export async function finalizeHeldDraft(ctx: SubscriptionContext, onIssued: OnIssued) {
  const held = ctx.state.heldDraft;
  if (!held) return null;
  await ctx.billing.repriceDraftInvoice({ tenantId: ctx.state.tenantId, invoiceId: held.invoiceId, lines: held.lines, usage: held.usage });
  // A subscription that ended during the grace period is charged once, like a final invoice.
  const purpose = ctx.state.status === 'canceled' ? 'final' : held.purpose;
  const issued = await finalizeAndCollect(ctx, held.invoiceId, { purpose, at: held.finalizeAt }, async (invoice) => {
    ctx.state.heldDraft = null;
    await onIssued(invoice);
  });
  return issued;
}
