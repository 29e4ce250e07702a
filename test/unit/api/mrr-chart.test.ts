import { describe, expect, it } from 'vitest';
import { mrrChart } from '../../../src/api/console/mrr-chart.js';

const dollars = (cents: number) => `$${(cents / 100).toFixed(0)}`;

describe('mrrChart', () => {
  it('draws a point per bucket at its MRR on a round axis, with gained and lost bars and escaped labels', async () => {
    const svg = String(
      await mrrChart(
        [
          { label: '2030-05', closingMrr: 15_000, gained: 16_000, lost: -1000 },
          { label: '2030-06', closingMrr: 8000, gained: 5000, lost: -12_000 },
          { label: '<b>', closingMrr: 0, gained: 0, lost: 0 },
        ],
        dollars,
      ),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect([...svg.matchAll(/class="mrr-point" data-mrr="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([15_000, 8000, 0]);
    // Peak 16000 → a rough step of 4000 rounds to 5000: gridlines at $0, $50, $100, $150, $200.
    expect([...svg.matchAll(/fill="#6b7280">([^<]+)</g)].map((m) => m[1])).toEqual(['$0', '$50', '$100', '$150', '$200']);
    // The plot is 260 − 16 − 40 = 204 px tall over 0..20000: MRR 8000 sits at 16 + 204 − 8000/20000 × 204 = 138.4.
    expect(svg).toContain('cy="138.4"');
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('draws an empty range without dividing by zero', async () => {
    const svg = String(await mrrChart([], dollars));
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).not.toContain('polyline');
  });
});
