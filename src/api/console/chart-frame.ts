import { html } from 'hono/html';

/** A round step for the value axis: 1, 2 or 5 × a power of ten, about four gridlines. */
function niceStep(max: number): number {
  if (max <= 0) return 1;
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/**
 * The frame the console's bucket charts share: a slot per bucket across the width, a value axis
 * from 0 to a round top above `peak`, its gridlines labelled with `format`, and bucket labels
 * thinned so they never overlap (about one per 48 px).
 */
export function chartFrame(input: { width: number; height: number; pad: { left: number; right: number; top: number; bottom: number }; buckets: number; peak: number; format: (value: number) => string }) {
  const { width, height, pad } = input;
  const step = niceStep(Math.max(1, input.peak));
  const top = Math.ceil(Math.max(1, input.peak) / step) * step;
  const plotWidth = width - pad.left - pad.right;
  const plotHeight = height - pad.top - pad.bottom;
  const slot = plotWidth / Math.max(1, input.buckets);
  const y = (value: number) => pad.top + plotHeight - (Math.max(0, value) / top) * plotHeight;
  const x = (index: number) => pad.left + slot * index + slot / 2;
  const every = Math.max(1, Math.ceil(input.buckets / Math.floor(plotWidth / 48)));
  const gridlines = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step).map(
    (value) =>
      html`<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e5e7eb"/><text x="${pad.left - 8}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#6b7280">${input.format(value)}</text>`,
  );
  const label = (index: number, text: string) =>
    index % every === 0 ? html`<text x="${x(index).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="11" fill="#374151">${text}</text>` : '';
  return { x, y, bar: Math.max(2, Math.min(18, slot / 3)), gridlines, label };
}
