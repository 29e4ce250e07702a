import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { chartFrame } from './chart-frame.js';

/** One bucket as the overview charts it. */
export interface ChartBucket {
  /** Shown under the bar: `2030-06` or `06-15`. */
  label: string;
  closingMrr: number;
  /** Positive movements (new + expansion + reactivation) and negative ones (contraction + churn), minor units. */
  gained: number;
  lost: number;
}

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 72, right: 16, top: 16, bottom: 40 };

/**
 * MRR over the buckets as an SVG drawn on the server (no script, no library): the closing MRR
 * as a line with a dot per bucket, and under each bucket a green bar of what was gained and a
 * red bar of what was lost. `format` writes an amount of minor units for the axis and tooltips.
 */
export function mrrChart(buckets: readonly ChartBucket[], format: (minorUnits: number) => string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const peak = Math.max(...buckets.map((b) => Math.max(b.closingMrr, b.gained, -b.lost)), 0);
  const { x, y, bar, gridlines, label } = chartFrame({ width: WIDTH, height: HEIGHT, pad: PAD, buckets: buckets.length, peak, format });
  const line = buckets.map((b, i) => `${x(i).toFixed(1)},${y(b.closingMrr).toFixed(1)}`).join(' ');
  return html`<svg class="mrr-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="MRR by ${buckets.length === 0 ? 'bucket' : 'period'}">
  ${gridlines}
  ${buckets.map(
    (b, i) => html`<g><title>${b.label}: MRR ${format(b.closingMrr)}, +${format(b.gained)} / ${format(b.lost)}</title>
    <rect x="${(x(i) - bar).toFixed(1)}" y="${y(b.gained).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - y(b.gained)).toFixed(1)}" fill="#86efac"/>
    <rect x="${x(i).toFixed(1)}" y="${y(-b.lost).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - y(-b.lost)).toFixed(1)}" fill="#fca5a5"/>
    ${label(i, b.label)}</g>`,
  )}
  ${buckets.length > 0 ? raw(`<polyline points="${line}" fill="none" stroke="#2563eb" stroke-width="2"/>`) : ''}
  ${buckets.map((b, i) => html`<circle class="mrr-point" data-mrr="${b.closingMrr}" cx="${x(i).toFixed(1)}" cy="${y(b.closingMrr).toFixed(1)}" r="3" fill="#2563eb"/>`)}
</svg>`;
}
