import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { chartFrame } from './chart-frame.js';

/** One bucket's cash as the overview charts it, minor units. */
export interface CashBucket {
  label: string;
  collected: number;
  outstanding: number;
  pastDue: number;
}

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 72, right: 16, top: 12, bottom: 36 };

/**
 * Collected against outstanding per bucket, as server-drawn SVG: a green bar of what was
 * received in the bucket beside an amber bar of what was owed at its end, the past-due part of
 * that bar in red.
 */
export function receivablesChart(buckets: readonly CashBucket[], format: (minorUnits: number) => string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const peak = Math.max(...buckets.map((b) => Math.max(b.collected, b.outstanding)), 0);
  const { x, y, bar, gridlines, label } = chartFrame({ width: WIDTH, height: HEIGHT, pad: PAD, buckets: buckets.length, peak, format });
  const rect = (left: number, value: number, fill: string, cls: string) =>
    html`<rect class="${cls}" data-amount="${value}" x="${left.toFixed(1)}" y="${y(value).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}" fill="${fill}"/>`;
  return html`<svg class="receivables-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="Collected and outstanding by period">
  ${gridlines}
  ${buckets.map(
    (b, i) => html`<g><title>${b.label}: collected ${format(b.collected)}, outstanding ${format(b.outstanding)} (past due ${format(b.pastDue)})</title>
    ${rect(x(i) - bar, b.collected, '#4ade80', 'collected')}${rect(x(i), b.outstanding, '#fcd34d', 'outstanding')}${rect(x(i), b.pastDue, '#f87171', 'past-due')}
    ${label(i, b.label)}</g>`,
  )}
</svg>`;
}
