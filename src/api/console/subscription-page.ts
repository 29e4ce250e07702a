import { html } from 'hono/html';
import type { InvoiceListItemView } from '../../billing/invoices/views.js';
import type { PaymentView } from '../../billing/payments/views.js';
import type { SubscriptionTimelineView } from '../../billing/subscriptions/get-subscription-timeline.js';
import { badge, formatAmount, formatDay, formatInstant } from './console-format.js';

/** Statuses whose workflow is expected to have finished. */
const ENDED = new Set(['canceled', 'incomplete_expired']);

type TimelineInvoice = InvoiceListItemView & { payments: PaymentView[] };

function payments(list: readonly PaymentView[]) {
  if (list.length === 0) return '';
  return html`<ul class="payments small">${list.map(
    (p) => html`<li data-payment="${p.status}">attempt ${p.attemptNumber} · ${formatInstant(p.createdAt)} · ${badge(p.status)} ${formatAmount(p.amount, p.currency)}${p.declineCode ?? p.failureCode ? html` · <code>${p.declineCode ?? p.failureCode}</code>` : ''}${p.failureMessage ? html` <span class="muted">${p.failureMessage}</span>` : ''}${p.hardDecline ? html` <span class="badge bad">hard decline</span>` : ''}</li>`,
  )}</ul>`;
}

function invoiceTable(invoices: readonly TimelineInvoice[]) {
  return html`<table class="period-invoices"><thead><tr><th>Invoice</th><th>Kind</th><th>Status</th><th class="n">Total</th><th class="n">Paid</th><th>Payment attempts</th><th>Next retry</th></tr></thead><tbody>
${invoices.map(
    (i) => html`<tr data-invoice="${i.id}"><td><a href="/console/invoices/${i.id}">${i.number ?? i.id}</a>${i.status === 'draft' ? '' : html` · <a href="/console/invoices/${i.id}/pdf" class="small">PDF</a>`}</td><td>${i.kind}</td><td>${badge(i.status)}${i.attention === null ? '' : html`<div class="small error">${i.attention.reason}: ${i.attention.message}</div>`}</td><td class="n">${formatAmount(i.total, i.currency)}</td><td class="n">${formatAmount(i.amountPaid, i.currency)}</td><td>${payments(i.payments)}</td><td>${formatInstant(i.nextPaymentAttemptAt)}</td></tr>`,
  )}
</tbody></table>`;
}

/**
 * One subscription: what it bills, what its workflow does next (or why it waits), each period
 * with its invoices and their payment attempts, its MRR history and the events it sent.
 */
export function subscriptionBody(view: SubscriptionTimelineView, workflowUrl: string | null) {
  const { subscription: s, live } = view;
  const m = (amount: number) => formatAmount(amount, s.currency);
  return html`<h1>Subscription ${s.id} ${badge(s.status)}</h1>
<div class="cards">
<div class="card"><div class="label">Customer</div><div class="value" style="font-size:15px"><a href="/console/customers/${view.customer.id}">${view.customer.name ?? view.customer.id}</a></div><div class="small muted">${view.customer.email ?? ''}</div></div>
<div class="card"><div class="label">Current period</div><div class="value" style="font-size:15px">${s.currentPeriod === null ? '—' : `${formatDay(s.currentPeriod.start)} – ${formatDay(s.currentPeriod.end)}`}</div></div>
<div class="card" data-next-action="${live?.nextAction.kind ?? 'unknown'}" data-workflow="${view.workflow}"><div class="label">Next action</div><div class="value" style="font-size:15px">${live !== null
    ? `${live.nextAction.kind.replace(/_/g, ' ')}${live.nextAction.at === null ? '' : ` · ${formatInstant(live.nextAction.at)}`}`
    : view.workflow === 'running' || view.workflow === 'unknown'
      ? html`<span class="muted">the workflow did not answer</span>`
      : html`<span class="${ENDED.has(s.status) ? 'muted' : 'error'}">none: the workflow ${view.workflow === 'missing' ? 'is missing' : `has ${view.workflow.replace('_', ' ')}`}</span>`}</div></div>
<div class="card"><div class="label">Workflow</div><div class="value" style="font-size:15px">${workflowUrl === null ? html`<span class="muted">Temporal UI not configured</span>` : html`<a class="temporal-link" href="${workflowUrl}" target="_blank" rel="noopener">Open in the Temporal UI ↗</a>`}</div></div>
</div>
${live?.attention ? html`<p class="panel error" role="alert" data-attention="${live.attention.reason}"><strong>Needs attention: ${live.attention.reason.replace(/_/g, ' ')}</strong> — ${live.attention.message}${live.attention.retryAt === null ? ' (waits for an operator)' : ` (retried ${formatInstant(live.attention.retryAt)})`}</p>` : ''}
<h2>Items</h2>
<table class="items"><thead><tr><th>Product</th><th>Price</th><th class="n">Quantity</th></tr></thead><tbody>
${view.items.map((item) => html`<tr><td>${item.product}${item.usageType === 'metered' ? html` <span class="badge info">usage</span>` : ''}</td><td><code>${item.priceId}</code>${item.nickname === null ? '' : html` <span class="muted">${item.nickname}</span>`}</td><td class="n">${item.quantity}</td></tr>`)}
</tbody></table>
<dl class="kv panel" style="margin-top:12px">
<dt>Bills</dt><dd>every ${s.interval.count === 1 ? '' : `${s.interval.count} `}${s.interval.unit}${s.interval.count === 1 ? '' : 's'} from ${formatInstant(s.billingAnchor)}, in ${s.currency}</dd>
${s.trialEnd === null ? '' : html`<dt>Trial</dt><dd>${formatDay(s.trialStart)} – ${formatDay(s.trialEnd)}</dd>`}
${s.cancelAtPeriodEnd ? html`<dt>Cancels</dt><dd>at the end of the current period</dd>` : ''}
${s.canceledAt === null ? '' : html`<dt>Canceled</dt><dd>${formatInstant(s.canceledAt)}</dd>`}
${s.endedAt === null ? '' : html`<dt>Ended</dt><dd>${formatInstant(s.endedAt)}</dd>`}
${s.pausedAt === null ? '' : html`<dt>Paused</dt><dd>${formatInstant(s.pausedAt)}</dd>`}
${live === null ? '' : html`<dt>Being collected</dt><dd>${live.collections.length === 0 ? 'nothing' : live.collections.map((c) => html`<div><a href="/console/invoices/${c.invoiceId}">${c.invoiceId}</a>: ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}${c.lastDeclineCode === null ? '' : html`, last declined <code>${c.lastDeclineCode}</code>`}${c.nextRetryAt === null ? (c.waitingForCustomer ? ', waiting for the customer' : '') : `, next retry ${formatInstant(c.nextRetryAt)}`}</div>`)}</dd>
<dt>Pending prorations</dt><dd>${m(live.pendingProrations.amount)}</dd>
${live.scheduledChange === null ? '' : html`<dt>Scheduled change</dt><dd>to ${live.scheduledChange.items.map((item) => `${item.priceId} × ${item.quantity ?? 1}`).join(', ')} at ${formatInstant(live.scheduledChange.effectiveAt)}</dd>`}`}
</dl>
<h2>Periods</h2>
${view.periods.length === 0
    ? html`<p class="empty">No period billed yet.</p>`
    : view.periods.map(
        (period) => html`<section class="period" data-period-index="${period.index}"><h3>Period ${period.index}: ${formatDay(period.start)} – ${formatDay(period.end)}${period.current ? html` <span class="badge info">current</span>` : ''}</h3>
${period.invoices.length === 0 ? html`<p class="small muted">Not invoiced yet.</p>` : invoiceTable(period.invoices)}</section>`,
      )}
${view.otherInvoices.length === 0 ? '' : html`<h2>Other invoices</h2>${invoiceTable(view.otherInvoices)}`}
<h2>MRR history</h2>
${view.mrrChanges.length === 0
    ? html`<p class="empty">No MRR change recorded.</p>`
    : html`<table class="mrr-history"><thead><tr><th>From</th><th>Status</th><th class="n">MRR</th></tr></thead><tbody>${view.mrrChanges.map(
        (change) => html`<tr><td>${formatInstant(change.effectiveAt)}</td><td>${badge(change.status)}</td><td class="n">${change.counted ? m(change.mrr) : html`<span class="muted">${m(0)}</span>`}</td></tr>`,
      )}</tbody></table>`}
<h2>Events</h2>
${view.events.length === 0
    ? html`<p class="empty">No events.</p>`
    : html`<table class="events"><thead><tr><th>When</th><th>Event</th><th>Object</th></tr></thead><tbody>${view.events.map((event) => html`<tr><td>${formatInstant(event.createdAt)}</td><td><code>${event.type}</code></td><td class="small">${event.objectId}</td></tr>`)}</tbody></table>`}`;
}
