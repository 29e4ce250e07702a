import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

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

/** A round step for the value axis: 1, 2 or 5 × a power of ten, about four gridlines. */
function niceStep(max: number): number {
  if (max <= 0) return 1;
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/**
 * MRR over the buckets as an SVG drawn on the server (no script, no library): the closing MRR
 * as a line with a dot per bucket, and under each bucket a green bar of what was gained and a
 * red bar of what was lost. `format` writes an amount of minor units for the axis and tooltips.
 */
export function mrrChart(buckets: readonly ChartBucket[], format: (minorUnits: number) => string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const peak = Math.max(1, ...buckets.map((b) => Math.max(b.closingMrr, b.gained, -b.lost)));
  const step = niceStep(peak);
  const top = Math.ceil(peak / step) * step;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, buckets.length);
  const y = (value: number) => PAD.top + plotHeight - (Math.max(0, value) / top) * plotHeight;
  const x = (index: number) => PAD.left + slot * index + slot / 2;
  const grid = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const bar = Math.max(2, Math.min(18, slot / 3));
  const line = buckets.map((b, i) => `${x(i).toFixed(1)},${y(b.closingMrr).toFixed(1)}`).join(' ');
  // Labels thin out so they never overlap (about one per 48 px).
  const every = Math.max(1, Math.ceil(buckets.length / Math.floor(plotWidth / 48)));
  return html`<svg class="mrr-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="MRR by ${buckets.length === 0 ? 'bucket' : 'period'}">
  ${grid.map((value) => html`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e5e7eb"/><text x="${PAD.left - 8}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#6b7280">${format(value)}</text>`)}
  ${buckets.map(
    (b, i) => html`<g><title>${b.label}: MRR ${format(b.closingMrr)}, +${format(b.gained)} / ${format(b.lost)}</title>
    <rect x="${(x(i) - bar).toFixed(1)}" y="${y(b.gained).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - y(b.gained)).toFixed(1)}" fill="#86efac"/>
    <rect x="${x(i).toFixed(1)}" y="${y(-b.lost).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - y(-b.lost)).toFixed(1)}" fill="#fca5a5"/>
    ${i % every === 0 ? html`<text x="${x(i).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" font-size="11" fill="#374151">${b.label}</text>` : ''}</g>`,
  )}
  ${buckets.length > 0 ? raw(`<polyline points="${line}" fill="none" stroke="#2563eb" stroke-width="2"/>`) : ''}
  ${buckets.map((b, i) => html`<circle class="mrr-point" data-mrr="${b.closingMrr}" cx="${x(i).toFixed(1)}" cy="${y(b.closingMrr).toFixed(1)}" r="3" fill="#2563eb"/>`)}
</svg>`;
}
