import { html } from 'hono/html';
import type { CustomerView } from '../../billing/customers/views.js';
import type { InvoiceListItemView } from '../../billing/invoices/views.js';
import type { Page } from '../../billing/pagination.js';
import type { SubscriptionView } from '../../billing/subscriptions/views.js';
import { badge, formatAmount, formatDay } from './console-format.js';

/** A console path with the given query parameters, the absent ones left out. */
export function withQuery(path: string, params: Readonly<Record<string, string | undefined>>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return query.size === 0 ? path : `${path}?${query.toString()}`;
}

export function pager(base: string, page: Page<unknown>) {
  if (!page.hasMore || page.nextCursor === null) return '';
  const join = base.includes('?') ? '&' : '?';
  return html`<p class="pager"><a href="${base}${join}cursor=${encodeURIComponent(page.nextCursor)}" rel="next">Older →</a></p>`;
}

/** The tenant's customers, newest first, a page at a time. */
export function customersBody(page: Page<CustomerView>) {
  return html`<h1>Customers</h1>
${page.data.length === 0
    ? html`<p class="empty">No customers yet.</p>`
    : html`<table class="customers"><thead><tr><th>Name</th><th>Email</th><th>Currency</th><th>Payment method</th><th>Since</th></tr></thead><tbody>
${page.data.map(
        (customer) => html`<tr><td><a href="/console/customers/${customer.id}">${customer.name ?? customer.id}</a></td><td>${customer.email ?? ''}</td><td>${customer.currency ?? '—'}</td><td>${customer.defaultPaymentMethod === null ? html`<span class="muted">none</span>` : `${customer.defaultPaymentMethod.brand ?? 'card'} ···· ${customer.defaultPaymentMethod.last4 ?? ''}`}</td><td>${formatDay(customer.createdAt)}</td></tr>`,
      )}
</tbody></table>`}
${pager('/console/customers', page)}`;
}

export function subscriptionRows(subscriptions: readonly SubscriptionView[]) {
  if (subscriptions.length === 0) return html`<p class="empty">No subscriptions.</p>`;
  return html`<table class="subscriptions"><thead><tr><th>Subscription</th><th>Status</th><th>Interval</th><th>Current period</th><th>Items</th><th>Started</th></tr></thead><tbody>
${subscriptions.map(
    (s) => html`<tr><td><a href="/console/subscriptions/${s.id}">${s.id}</a></td><td>${badge(s.status)}${s.cancelAtPeriodEnd ? html` <span class="small muted">cancels at period end</span>` : ''}</td><td>every ${s.interval.count === 1 ? '' : `${s.interval.count} `}${s.interval.unit}${s.interval.count === 1 ? '' : 's'}</td><td>${s.currentPeriod === null ? '—' : `${formatDay(s.currentPeriod.start)} – ${formatDay(s.currentPeriod.end)}`}</td><td>${s.items.length}</td><td>${formatDay(s.createdAt)}</td></tr>`,
  )}
</tbody></table>`;
}

export function invoiceRows(invoices: readonly InvoiceListItemView[]) {
  if (invoices.length === 0) return html`<p class="empty">No invoices.</p>`;
  return html`<table class="invoices"><thead><tr><th>Number</th><th>Status</th><th>Kind</th><th>Period</th><th class="n">Total</th><th class="n">Due</th><th class="n">Paid</th><th>Issued</th><th>PDF</th></tr></thead><tbody>
${invoices.map(
    (i) => html`<tr data-invoice="${i.id}"><td><a href="/console/invoices/${i.id}">${i.number ?? i.id}</a></td><td>${badge(i.status)}${i.attention === null ? '' : html` <span class="badge bad">${i.attention.reason.replace(/_/g, ' ')}</span>`}</td><td>${i.kind}</td><td>${i.periodStart === null ? '—' : `${formatDay(i.periodStart)} – ${formatDay(i.periodEnd)}`}</td><td class="n">${formatAmount(i.total, i.currency)}</td><td class="n">${formatAmount(i.amountDue, i.currency)}</td><td class="n">${formatAmount(i.amountPaid, i.currency)}</td><td>${formatDay(i.finalizedAt)}</td><td>${i.status === 'draft' ? '' : html`<a href="/console/invoices/${i.id}/pdf">PDF</a>`}</td></tr>`,
  )}
</tbody></table>`;
}

/** One customer: who, how they pay, their subscriptions and their latest invoices. */
export function customerBody(customer: CustomerView, subscriptions: Page<SubscriptionView>, invoices: Page<InvoiceListItemView>) {
  const method = customer.defaultPaymentMethod;
  return html`<h1>${customer.name ?? customer.id} <span class="muted small">${customer.id}</span></h1>
<dl class="kv panel">
<dt>Email</dt><dd>${customer.email ?? '—'}</dd>
<dt>External id</dt><dd>${customer.externalId ?? '—'}</dd>
<dt>Currency</dt><dd>${customer.currency ?? '—'}</dd>
<dt>Tax jurisdiction</dt><dd>${customer.taxJurisdiction ?? '—'}</dd>
<dt>Payment method</dt><dd>${method === null ? html`<span class="badge warn">none</span>` : `${method.brand ?? 'card'} ···· ${method.last4 ?? ''}${method.expMonth === null ? '' : ` (expires ${method.expMonth}/${method.expYear})`}`}</dd>
<dt>Gateway customer</dt><dd>${customer.gatewayCustomerId ?? '—'}</dd>
<dt>Customer since</dt><dd>${formatDay(customer.createdAt)}</dd>
</dl>
<h2>Subscriptions</h2>
${subscriptionRows(subscriptions.data)}
${pager(withQuery('/console/subscriptions', { customerId: customer.id }), subscriptions)}
<h2>Invoices</h2>
${invoiceRows(invoices.data)}
${pager(withQuery('/console/invoices', { customerId: customer.id }), invoices)}`;
}
