import { describe, expect, it } from 'vitest';
import { receivablesChart } from '../../../src/api/console/receivables-chart.js';

const dollars = (cents: number) => `$${(cents / 100).toFixed(0)}`;

describe('receivablesChart', () => {
  it('draws collected and outstanding bars per bucket on one round axis, the past-due part inside the outstanding bar', async () => {
    const svg = String(
      await receivablesChart(
        [
          { label: '2030-05', collected: 5000, outstanding: 0, pastDue: 0 },
          { label: '2030-06', collected: 1000, outstanding: 3000, pastDue: 3000 },
          { label: '<i>', collected: 0, outstanding: 0, pastDue: 0 },
        ],
        dollars,
      ),
    );
    const amounts = (cls: string) => [...svg.matchAll(new RegExp(`class="${cls}" data-amount="(\\d+)"`, 'g'))].map((m) => Number(m[1]));
    expect(amounts('collected')).toEqual([5000, 1000, 0]);
    expect(amounts('outstanding')).toEqual([0, 3000, 0]);
    expect(amounts('past-due')).toEqual([0, 3000, 0]);
    // Peak 5000 → a rough step of 1250 rounds to 2000: gridlines at $0, $20, $40, $60.
    expect([...svg.matchAll(/fill="#6b7280">([^<]+)</g)].map((m) => m[1])).toEqual(['$0', '$20', '$40', '$60']);
    // The plot is 200 − 12 − 36 = 152 px tall over 0..6000: 3000 outstanding is 76 px tall, from y 12 + 76 = 88.
    expect(svg).toMatch(/class="outstanding" data-amount="3000" x="[\d.]+" y="88\.0" width="[\d.]+" height="76\.0"/);
    expect(svg).toContain('&lt;i&gt;');
    expect(svg).not.toContain('<i>');
  });

  it('draws an empty range without dividing by zero', async () => {
    const svg = String(await receivablesChart([], dollars));
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
