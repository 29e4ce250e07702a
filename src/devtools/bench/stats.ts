/** Figures of repeated runs on a shared, noisy machine: report the spread, never one number. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

const fixed = (value: number, digits: number): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function formatSpread(s: Spread, unit: string, digits = 0): string {
  return `min ${fixed(s.min, digits)} / median ${fixed(s.median, digits)} / max ${fixed(s.max, digits)} ${unit}`;
}

/** One line of the report: the figure, its target and whether it is met. */
export function verdict(label: string, value: string, target: string, met: boolean): string {
  return `${met ? 'PASS' : 'MISS'}  ${label.padEnd(34)} ${value}   (target ${target})`;
}
