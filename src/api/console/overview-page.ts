import { html } from 'hono/html';
import type { MrrAnalyticsView } from '../../billing/analytics/views.js';
import { formatAmount, formatDay, formatRate } from './console-format.js';
import { mrrChart } from './mrr-chart.js';
import { receivablesChart } from './receivables-chart.js';

type Bucket = MrrAnalyticsView['series'][number]['buckets'][number];

/** The overview's filters as given (echoed into the form). */
export interface OverviewFilters {
  currency: string | undefined;
  interval: 'day' | 'month';
  usage: 'exclude' | 'include';
  from: string | undefined;
  to: string | undefined;
}

function card(label: string, value: string, testId: string) {
  return html`<div class="card" data-kpi="${testId}"><div class="label">${label}</div><div class="value">${value}</div></div>`;
}

function bucketLabel(bucket: Bucket, interval: 'day' | 'month'): string {
  return interval === 'month' ? bucket.start.slice(0, 7) : bucket.start.slice(5);
}

/**
 * MRR for one currency over the range: the last bucket's figures, the MRR chart, the movements
 * that explain each bucket's change, and what was invoiced, collected and is still owed.
 */
export function overviewBody(report: MrrAnalyticsView, filters: OverviewFilters) {
  const currencies = report.series.map((series) => series.currency);
  const series = report.series.find((s) => s.currency === filters.currency) ?? report.series[0];
  const form = html`<form class="filters" method="get" action="/console">
<label>Currency <select name="currency">${currencies.map((currency) => html`<option${currency === series?.currency ? html` selected` : ''}>${currency}</option>`)}</select></label>
<label>By <select name="interval"><option value="month"${report.interval === 'month' ? html` selected` : ''}>month</option><option value="day"${report.interval === 'day' ? html` selected` : ''}>day</option></select></label>
<label>Usage <select name="usage"><option value="exclude"${report.usage === 'exclude' ? html` selected` : ''}>excluded</option><option value="include"${report.usage === 'include' ? html` selected` : ''}>included</option></select></label>
<label>From <input type="date" name="from" value="${report.from}"></label>
<label>To <input type="date" name="to" value="${report.to}"></label>
<button type="submit">Show</button>
</form>`;
  if (series === undefined) {
    return html`<h1>Overview</h1>${form}<p class="empty">No subscription or invoice in this range yet.</p>`;
  }
  const m = (amount: number) => formatAmount(amount, series.currency);
  const axis = (amount: number) => formatAmount(amount, series.currency).replace(/ [A-Z]{3}$/, '');
  const last = series.buckets.at(-1);
  // The tables start at the first period with anything in it; the chart keeps the whole range.
  const first = series.buckets.findIndex((b) => b.openingMrr !== 0 || b.closingMrr !== 0 || b.invoiced !== 0 || b.collected !== 0 || b.outstanding !== 0);
  const shown = first < 0 ? [] : series.buckets.slice(first);
  const quiet = (columns: number) => {
    const skipped = first < 0 ? series.buckets : series.buckets.slice(0, first);
    if (skipped.length === 0) return '';
    const label = skipped.length === 1 ? bucketLabel(skipped[0]!, report.interval) : `${bucketLabel(skipped[0]!, report.interval)} – ${bucketLabel(skipped.at(-1)!, report.interval)}`;
    return html`<tr class="quiet"><td colspan="${columns}" class="muted">${label}: no MRR, nothing invoiced</td></tr>`;
  };
  const totals = series.buckets.reduce(
    (sum, b) => ({ invoiced: sum.invoiced + b.invoiced, collected: sum.collected + b.collected }),
    { invoiced: 0, collected: 0 },
  );
  return html`<h1>Overview <span class="muted small">${formatDay(report.from)} – ${formatDay(report.to)} · ${series.currency}</span></h1>
${form}
${last === undefined
    ? ''
    : html`<div class="cards">
${card('MRR', m(last.closingMrr), 'mrr')}${card('ARR', m(last.arr), 'arr')}${card('Paying customers', String(last.customers.closing), 'customers')}${card('ARPU', last.arpu === null ? '—' : m(last.arpu), 'arpu')}
${card('Subscriber churn', formatRate(last.subscriberChurnRate), 'subscriber-churn')}${card('Revenue churn', formatRate(last.revenueChurnRate), 'revenue-churn')}${card('Net revenue retention', formatRate(last.netRevenueRetention), 'nrr')}${card('LTV', last.ltv === null ? '—' : m(last.ltv), 'ltv')}
</div>
<div class="cards" style="margin-top:12px">${card('Invoiced in range', m(totals.invoiced), 'invoiced')}${card('Collected in range', m(totals.collected), 'collected')}${card('Outstanding now', m(last.outstanding), 'outstanding')}${card('Past due now', m(last.pastDue), 'past-due')}</div>`}
<h2>MRR</h2>
<div class="panel">${mrrChart(
    series.buckets.map((b) => ({ label: bucketLabel(b, report.interval), closingMrr: b.closingMrr, gained: b.movements.new + b.movements.expansion + b.movements.reactivation, lost: b.movements.contraction + b.movements.churn })),
    axis,
  )}
<div class="legend small muted"><span><i class="sw" style="background:#2563eb"></i>MRR at the end of the period</span><span><i class="sw" style="background:#86efac"></i>gained (new, expansion, reactivation)</span><span><i class="sw" style="background:#fca5a5"></i>lost (contraction, churn)</span></div></div>
<h2>MRR movements</h2>
<table class="movements"><thead><tr><th>Period</th><th class="n">Opening</th><th class="n">New</th><th class="n">Expansion</th><th class="n">Contraction</th><th class="n">Churn</th><th class="n">Reactivation</th><th class="n">Closing</th><th class="n">Customers</th></tr></thead><tbody>
${quiet(9)}
${shown.map(
    (b) => html`<tr data-period="${b.start}"><td>${bucketLabel(b, report.interval)}</td><td class="n">${m(b.openingMrr)}</td><td class="n">${m(b.movements.new)}</td><td class="n">${m(b.movements.expansion)}</td><td class="n">${m(b.movements.contraction)}</td><td class="n">${m(b.movements.churn)}</td><td class="n">${m(b.movements.reactivation)}</td><td class="n"><strong>${m(b.closingMrr)}</strong></td><td class="n">${b.customers.closing}</td></tr>`,
  )}
</tbody></table>
<h2>Collected vs outstanding</h2>
<div class="panel">${receivablesChart(
    series.buckets.map((b) => ({ label: bucketLabel(b, report.interval), collected: b.collected, outstanding: b.outstanding, pastDue: b.pastDue })),
    axis,
  )}
<div class="legend small muted"><span><i class="sw" style="background:#4ade80"></i>collected in the period</span><span><i class="sw" style="background:#fcd34d"></i>outstanding at its end</span><span><i class="sw" style="background:#f87171"></i>of which past due</span></div></div>
<table class="cash"><thead><tr><th>Period</th><th class="n">Invoiced</th><th class="n">Collected</th><th class="n">Outstanding</th><th class="n">Past due</th></tr></thead><tbody>
${quiet(5)}
${shown.map((b) => html`<tr data-period="${b.start}"><td>${bucketLabel(b, report.interval)}</td><td class="n">${m(b.invoiced)}</td><td class="n">${m(b.collected)}</td><td class="n">${m(b.outstanding)}</td><td class="n">${m(b.pastDue)}</td></tr>`)}
</tbody></table>
<p class="small muted">MRR counts active and past-due subscriptions' licensed fees, normalised to a month (annual ÷ 12, weekly × 52 ÷ 12), less coupons; usage ${report.usage === 'include' ? 'included at its last invoiced run rate' : 'excluded'}. The same figures: <a href="/v1/analytics/mrr">GET /v1/analytics/mrr</a>.</p>`;
}
