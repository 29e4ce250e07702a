import { DomainError } from './errors.js';
import { add, compare, div, fromInteger, mul, parseDecimal, ratio, sub, toDecimalString, type Rational } from './rational.js';
import { roundRational } from './rounding.js';

/**
 * Usage metering: which events a meter reads, the value it reads from each, and the exact
 * arithmetic of a usage window. Pure: the database keeps per-hour roll-ups and this module says
 * how a window is made of whole hours plus its ragged edges, and how a time-weighted average is
 * computed from the roll-ups' sums.
 */

export type MeterAggregation = 'count' | 'sum' | 'max' | 'latest' | 'unique_count' | 'weighted_sum';

export const METER_AGGREGATIONS: readonly MeterAggregation[] = Object.freeze(['count', 'sum', 'max', 'latest', 'unique_count', 'weighted_sum']);

/** A property equals one of `in` (compared as text); every filter of a meter must match. */
export interface MeterFilter {
  readonly property: string;
  readonly in: readonly string[];
}

export interface MeterDefinition {
  readonly eventName: string;
  readonly aggregation: MeterAggregation;
  readonly valueProperty?: string | null;
  readonly uniqueProperty?: string | null;
  readonly filters?: readonly MeterFilter[];
}

export const HOUR_MS = 3_600_000;

/** Usage quantities are carried to 12 decimal places (a time-weighted average may not end). */
export const USAGE_QUANTITY_PLACES = 12;

/** The property a meter reads a value from, or null for `count`. */
export function meterProperty(meter: MeterDefinition): string | null {
  if (meter.aggregation === 'count') return null;
  if (meter.aggregation === 'unique_count') return meter.uniqueProperty ?? null;
  return meter.valueProperty ?? null;
}

/** Checks a meter's shape: the property its aggregation needs, and only that one. */
export function assertMeterDefinition(meter: MeterDefinition): void {
  const fail = (message: string): never => {
    throw new DomainError('invalid_meter', message, { aggregation: meter.aggregation });
  };
  if (!METER_AGGREGATIONS.includes(meter.aggregation)) fail(`aggregation must be one of ${METER_AGGREGATIONS.join(', ')}`);
  const needsValue = meter.aggregation === 'sum' || meter.aggregation === 'max' || meter.aggregation === 'latest' || meter.aggregation === 'weighted_sum';
  if (needsValue && !meter.valueProperty) fail(`a ${meter.aggregation} meter needs valueProperty`);
  if (!needsValue && meter.valueProperty) fail(`a ${meter.aggregation} meter has no valueProperty`);
  if (meter.aggregation === 'unique_count' && !meter.uniqueProperty) fail('a unique_count meter needs uniqueProperty');
  if (meter.aggregation !== 'unique_count' && meter.uniqueProperty) fail(`a ${meter.aggregation} meter has no uniqueProperty`);
}

/** A property's value as the text filters and unique counts compare (null when absent or not a scalar). */
export function propertyText(properties: Readonly<Record<string, unknown>>, name: string): string | null {
  const value = properties[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** Whether an event named `eventName` with `properties` is one the meter reads. */
export function eventMatchesMeter(meter: MeterDefinition, eventName: string, properties: Readonly<Record<string, unknown>>): boolean {
  if (meter.eventName !== eventName) return false;
  return (meter.filters ?? []).every((filter) => {
    const text = propertyText(properties, filter.property);
    return text !== null && filter.in.includes(text);
  });
}

const DECIMAL_TEXT = /^-?\d{1,26}(\.\d{1,12})?$/;

/**
 * The value a meter reads from an event, as an exact decimal string: a number as written in the
 * JSON (`1.5`), or a decimal string (`"0.000002"`); at most 12 decimal places. `unique_count`
 * reads any scalar as text. Throws `invalid_usage_value` when the property is missing or not a
 * number the meter can add up.
 */
export function meterValue(meter: MeterDefinition, properties: Readonly<Record<string, unknown>>): string | null {
  const property = meterProperty(meter);
  if (property === null) return null;
  const text = propertyText(properties, property);
  if (meter.aggregation === 'unique_count') {
    if (text === null) throw new DomainError('invalid_usage_value', `the event has no ${property} for the meter to count`, { property });
    return text;
  }
  const raw = properties[property];
  const candidate = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : null;
  if (candidate === null || !DECIMAL_TEXT.test(candidate) || (meter.aggregation !== 'weighted_sum' && candidate.startsWith('-'))) {
    const sign = meter.aggregation === 'weighted_sum' ? 'a decimal number' : 'a non-negative decimal number';
    throw new DomainError('invalid_usage_value', `${property} must be ${sign} with at most 12 decimal places`, { property });
  }
  return candidate;
}

/** The hour an instant falls in (epoch ms of its start). */
export function hourStart(instant: number): number {
  return Math.floor(instant / HOUR_MS) * HOUR_MS;
}

/**
 * A window `[from, to)` as the whole hours inside it (read from roll-ups) and the ragged edges
 * (read from raw events). The parts are disjoint and cover the window exactly.
 */
export interface WindowParts {
  /** `[first, last)` of whole hours, or null when no whole hour fits. */
  wholeHours: { from: number; to: number } | null;
  /** At most two sub-hour ranges: before the first whole hour and after the last. */
  edges: Array<{ from: number; to: number }>;
}

export function windowParts(from: number, to: number): WindowParts {
  if (!(to > from)) return { wholeHours: null, edges: [] };
  const firstWhole = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastWhole = hourStart(to);
  if (firstWhole >= lastWhole) return { wholeHours: null, edges: [{ from, to }] };
  const edges: Array<{ from: number; to: number }> = [];
  if (from < firstWhole) edges.push({ from, to: firstWhole });
  if (lastWhole < to) edges.push({ from: lastWhole, to });
  return { wholeHours: { from: firstWhole, to: lastWhole }, edges };
}

/**
 * The time-weighted average of a running level over `[from, to)`. Each event's value is a delta
 * to the level at its instant; `levelBefore` is the level at `from` (every delta before it), and
 * for the deltas inside the window `deltaSum` = Σ value and `deltaTimeSum` = Σ value × instant.
 * The area under the level is levelBefore × (to − from) + Σ value × (to − instant)
 * = levelBefore × (to − from) + to × deltaSum − deltaTimeSum; the average is area ÷ (to − from),
 * rounded half up to 12 places.
 */
export function weightedAverage(input: { levelBefore: string; deltaSum: string; deltaTimeSum: string; from: number; to: number }): string {
  const duration = input.to - input.from;
  if (!(duration > 0)) return '0';
  const places = Number.MAX_SAFE_INTEGER;
  const level = parseDecimal(input.levelBefore, 'levelBefore', places);
  const area = add(mul(level, fromInteger(duration)), sub(mul(fromInteger(input.to), parseDecimal(input.deltaSum, 'deltaSum', places)), parseDecimal(input.deltaTimeSum, 'deltaTimeSum', places)));
  return roundQuantity(div(area, fromInteger(duration)));
}

/** An exact quantity rounded half up to 12 places, written without trailing zeros. */
export function roundQuantity(value: Rational): string {
  const scale = 10n ** BigInt(USAGE_QUANTITY_PLACES);
  return toDecimalString(ratio(roundRational(ratio(value.n * scale, value.d), 'half_up'), scale));
}

/** A decimal quantity (as the database returns it) normalised: no trailing zeros, "0" for none. */
export function normaliseQuantity(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '0';
  return roundQuantity(parseDecimal(value, 'quantity', Number.MAX_SAFE_INTEGER));
}

/** a − b for decimal quantities, exactly. */
export function subtractQuantities(a: string, b: string): string {
  return toDecimalString(sub(parseDecimal(a, 'a', Number.MAX_SAFE_INTEGER), parseDecimal(b, 'b', Number.MAX_SAFE_INTEGER)));
}

/** Whether two decimal quantities are equal. */
export function sameQuantity(a: string, b: string): boolean {
  const places = Number.MAX_SAFE_INTEGER;
  return compare(parseDecimal(a, 'a', places), parseDecimal(b, 'b', places)) === 0;
}

const EXACT = Number.MAX_SAFE_INTEGER;

/** The exact sum of decimal quantities. */
export function sumQuantities(values: readonly string[]): string {
  return toDecimalString(values.reduce<Rational>((total, value) => add(total, parseDecimal(value, 'quantity', EXACT)), fromInteger(0)));
}

/** The largest of decimal quantities (null for none). */
export function maxQuantity(values: readonly string[]): string | null {
  let best: Rational | null = null;
  let text: string | null = null;
  for (const value of values) {
    const parsed = parseDecimal(value, 'quantity', EXACT);
    if (best === null || compare(parsed, best) > 0) {
      best = parsed;
      text = value;
    }
  }
  return text;
}

/** value × epoch ms, exactly: one event's term of a weighted_sum's Σ value × instant. */
export function valueTimesInstant(value: string, instant: number): string {
  return toDecimalString(mul(parseDecimal(value, 'value', EXACT), fromInteger(instant)));
}

/** A stretch of time a metered price is on a subscription (`to` null while it still is). */
export interface MeteredSegment {
  readonly priceId: string;
  readonly meterId: string;
  readonly from: number;
  readonly to: number | null;
}

/** The parts of each segment not yet billed, from `billedUntil` to `until`: the windows an invoice at `until` bills. */
export function unbilledWindows(segments: readonly MeteredSegment[], billedUntil: number, until: number): Array<{ priceId: string; meterId: string; from: number; to: number }> {
  return segments.flatMap((segment) => {
    const from = Math.max(segment.from, billedUntil);
    const to = Math.min(segment.to ?? until, until);
    return to > from ? [{ priceId: segment.priceId, meterId: segment.meterId, from, to }] : [];
  });
}
