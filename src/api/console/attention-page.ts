import { html } from 'hono/html';
import type { AttentionItemView, AttentionQueueView } from '../../billing/attention/views.js';
import { formatAmount, formatInstant } from './console-format.js';

const SECTIONS: Array<{ kind: AttentionItemView['kind']; title: string; blurb: string; none: string }> = [
  { kind: 'past_due', title: 'Past due', blurb: 'Renewals that could not be collected: dunning retries them on its schedule.', none: 'Nothing past due.' },
  { kind: 'failing', title: 'Failing payments', blurb: 'Other open invoices whose charge failed or that the gateway refused.', none: 'No failing payments.' },
  { kind: 'stuck', title: 'Stuck', blurb: 'Billing that is not moving by itself: an unknown charge outcome, a missed renewal, a failing workflow step, a flag a scheduled job raised.', none: 'Nothing stuck.' },
];

function nextStep(item: AttentionItemView): string {
  if (item.nextRetryAt !== null) return `retries ${formatInstant(item.nextRetryAt)}`;
  if (item.nextAction !== null && item.nextAction.kind !== 'none') return `${item.nextAction.kind.replace(/_/g, ' ')} ${formatInstant(item.nextAction.at)}`;
  return 'waits for an operator';
}

function row(item: AttentionItemView) {
  return html`<tr data-kind="${item.kind}" data-reason="${item.reason}">
<td><a href="/console/customers/${item.customerId}">${item.customerName}</a></td>
<td>${item.subscriptionId === null ? html`<span class="muted">—</span>` : html`<a href="/console/subscriptions/${item.subscriptionId}">${item.subscriptionId}</a>`}</td>
<td>${item.invoiceId === null ? html`<span class="muted">—</span>` : html`<a href="/console/invoices/${item.invoiceId}">${item.invoiceId}</a>`}</td>
<td><code>${item.reason}</code><div class="small muted">${item.message}</div></td>
<td>${formatInstant(item.since)}</td>
<td class="next-retry">${nextStep(item)}</td>
<td class="n">${item.owed === null ? '' : formatAmount(item.owed.amount, item.owed.currency)}</td>
</tr>`;
}

/** The work queue: what is past due, failing or stuck, each with why and what happens next. */
export function attentionBody(queue: AttentionQueueView) {
  return html`<h1>Needs attention <span class="muted small">as of ${formatInstant(queue.asOf)}</span></h1>
${SECTIONS.map((section) => {
    const items = queue.items.filter((item) => item.kind === section.kind);
    return html`<h2 id="${section.kind}">${section.title} <span class="muted small">(${items.length})</span></h2>
<p class="small muted">${section.blurb}</p>
${items.length === 0
      ? html`<p class="empty">${section.none}</p>`
      : html`<table class="attention"><thead><tr><th>Customer</th><th>Subscription</th><th>Invoice</th><th>Reason</th><th>Since</th><th>Next</th><th class="n">Owed</th></tr></thead><tbody>${items.map(row)}</tbody></table>`}`;
  })}`;
}
