import { failure } from '../failures.js';
import { previewInvoice } from '../invoices/preview-invoice.js';
import { toUpcomingInvoiceView, type UpcomingInvoiceView } from '../invoices/views.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { getSubscriptionRecord } from './get-subscription-record.js';

/**
 * The subscription's next invoice exactly as it would be issued now (`GET …/upcoming-invoice`):
 * the workflow says what it will invoice (fees in advance, pending prorations, usage so far up to
 * the next boundary), and the same code that issues invoices prices it — discounts, tax, credit —
 * in a transaction that is rolled back.
 */
export async function getUpcomingInvoice(deps: SubscriptionCommandDependencies, input: { tenantId: string; subscriptionId: string }): Promise<UpcomingInvoiceView> {
  const record = await getSubscriptionRecord(deps.prisma, input);
  const { upcoming } = await deps.workflows.billingPreview(input.subscriptionId);
  if (upcoming === null) throw failure('upcoming_invoice_not_found', `Subscription ${input.subscriptionId} has no upcoming invoice (it is paused or has ended)`);
  const now = new Date(await deps.now());
  if (upcoming.heldInvoiceId !== null) {
    const held = await previewInvoice(deps.prisma, { held: { tenantId: input.tenantId, invoiceId: upcoming.heldInvoiceId, lines: upcoming.draft.lines, usage: upcoming.draft.usage ?? { windows: [], reconcileSince: null, closeUsage: false } } }, now);
    return toUpcomingInvoiceView(held, upcoming.heldInvoiceId, upcoming.issuesAt);
  }
  const next = await previewInvoice(deps.prisma, { draft: { ...upcoming.draft, tenantId: input.tenantId, customerId: record.customerId, subscriptionId: record.id, currency: record.currency } }, now);
  return toUpcomingInvoiceView(next, null, upcoming.issuesAt);
}
