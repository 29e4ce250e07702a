import { html } from 'hono/html';
import { invoiceViewSchema, type InvoiceListItemView, type InvoiceView } from '../../billing/invoices/views.js';
import type { Page } from '../../billing/pagination.js';
import type { PaymentView } from '../../billing/payments/views.js';
import { badge, formatAmount, formatDay, formatInstant } from './console-format.js';
import { invoiceRows, pager, withQuery } from './customer-pages.js';

export const INVOICE_STATUSES: readonly string[] = invoiceViewSchema.shape.status.options;

/** The tenant's invoices, newest first, filtered by status; each with its PDF. */
export function invoicesBody(page: Page<InvoiceListItemView>, filters: { status: string | undefined; customerId: string | undefined; subscriptionId: string | undefined }) {
  const base = withQuery('/console/invoices', filters);
  return html`<h1>Invoices</h1>
<form class="filters" method="get" action="/console/invoices">
<label>Status <select name="status"><option value="">any</option>${INVOICE_STATUSES.map((status) => html`<option${status === filters.status ? html` selected` : ''}>${status}</option>`)}</select></label>
${filters.customerId === undefined ? '' : html`<input type="hidden" name="customerId" value="${filters.customerId}">`}
${filters.subscriptionId === undefined ? '' : html`<input type="hidden" name="subscriptionId" value="${filters.subscriptionId}">`}
<button type="submit">Filter</button></form>
${invoiceRows(page.data)}
${pager(base, page)}`;
}

/** One invoice as finance reads it: lines with their periods, the totals, the payment attempts, and its PDF. */
export function invoiceBody(invoice: InvoiceView, payments: readonly PaymentView[]) {
  const m = (amount: number) => formatAmount(amount, invoice.currency);
  const totals: Array<[string, number, boolean]> = [
    ['Subtotal', invoice.subtotal, true],
    ['Discount', -invoice.discountTotal, invoice.discountTotal !== 0],
    ['Tax', invoice.taxTotal, invoice.taxTotal !== 0],
    ['Total', invoice.total, true],
    ['Credit applied', -invoice.creditApplied, invoice.creditApplied !== 0],
    ['Amount due', invoice.amountDue, true],
    ['Paid', invoice.amountPaid, true],
    ['Credited', invoice.amountCredited, invoice.amountCredited !== 0],
    ['Refunded', invoice.amountRefunded, invoice.amountRefunded !== 0],
  ];
  return html`<h1>Invoice ${invoice.number ?? invoice.id} ${badge(invoice.status)}</h1>
<p>${invoice.status === 'draft' ? html`<span class="muted">A draft has no PDF until it is finalized.</span>` : html`<a class="pdf-link" href="/console/invoices/${invoice.id}/pdf">Download PDF</a>`}</p>
${invoice.attention === null ? '' : html`<p class="panel error" role="alert"><strong>${invoice.attention.reason.replace(/_/g, ' ')}</strong> since ${formatInstant(invoice.attention.since)}: ${invoice.attention.message}</p>`}
<dl class="kv panel">
<dt>Customer</dt><dd><a href="/console/customers/${invoice.customerId}">${invoice.customerId}</a></dd>
<dt>Subscription</dt><dd>${invoice.subscriptionId === null ? '—' : html`<a href="/console/subscriptions/${invoice.subscriptionId}">${invoice.subscriptionId}</a>`}</dd>
<dt>Kind</dt><dd>${invoice.kind}</dd>
<dt>Period</dt><dd>${invoice.periodStart === null ? '—' : `${formatDay(invoice.periodStart)} – ${formatDay(invoice.periodEnd)}`}</dd>
<dt>Issued</dt><dd>${formatInstant(invoice.finalizedAt)}</dd>
${invoice.paidAt === null ? '' : html`<dt>Paid</dt><dd>${formatInstant(invoice.paidAt)}</dd>`}
${invoice.voidedAt === null ? '' : html`<dt>Voided</dt><dd>${formatInstant(invoice.voidedAt)}</dd>`}
${invoice.nextPaymentAttemptAt === null ? '' : html`<dt>Next retry</dt><dd>${formatInstant(invoice.nextPaymentAttemptAt)}</dd>`}
${invoice.dispute === null ? '' : html`<dt>Dispute</dt><dd>${invoice.dispute.status} (${m(invoice.dispute.amount)})</dd>`}
</dl>
<h2>Lines</h2>
<table class="lines"><thead><tr><th>Description</th><th>Service period</th><th class="n">Quantity</th><th class="n">Amount</th></tr></thead><tbody>
${invoice.lines.map((line) => html`<tr><td>${line.description}</td><td>${line.periodStart === null ? '—' : `${formatDay(line.periodStart)} – ${formatDay(line.periodEnd)}`}</td><td class="n">${line.quantity ?? line.usageQuantity ?? ''}</td><td class="n">${m(line.amount)}</td></tr>`)}
</tbody></table>
<table class="totals" style="margin-top:12px;max-width:420px;margin-left:auto"><tbody>
${totals.filter(([, , shown]) => shown).map(([label, amount]) => html`<tr><td>${label}</td><td class="n">${label === 'Amount due' ? html`<strong>${m(amount)}</strong>` : m(amount)}</td></tr>`)}
</tbody></table>
<h2>Payment attempts</h2>
${payments.length === 0
    ? html`<p class="empty">Not charged yet.</p>`
    : html`<table class="payments"><thead><tr><th>#</th><th>When</th><th>Status</th><th class="n">Amount</th><th>Decline</th><th>Gateway</th></tr></thead><tbody>${payments.map(
        (p) => html`<tr><td>${p.attemptNumber}</td><td>${formatInstant(p.createdAt)}</td><td>${badge(p.status)}</td><td class="n">${formatAmount(p.amount, p.currency)}</td><td>${p.declineCode ?? p.failureCode ?? ''}${p.failureMessage ? html`<div class="small muted">${p.failureMessage}</div>` : ''}</td><td class="small">${p.gatewayPaymentIntentId ?? ''}</td></tr>`,
      )}</tbody></table>`}`;
}
