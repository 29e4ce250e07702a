import { assertInterval, intervalsEqual, addInterval } from './billing-period.js';
import type { BillingInterval } from './billing-period.js';
import { DomainError } from './errors.js';
import { MS_PER_DAY, instantToIso, toInstant } from './instant.js';
import type { Instant, InstantInput } from './instant.js';
import { fromMinorUnits, sumMoney, toMinorUnits } from './money.js';
import type { Money } from './money.js';
import { createPricingStrategy } from './pricing/index.js';
import type { PriceDefinition } from './pricing/types.js';
import { add, compare, div, parseDecimal, ratio, toDecimalString, ZERO } from './rational.js';
import type { DecimalInput, Rational } from './rational.js';
import { DEFAULT_ROUNDING_MODE, roundRational } from './rounding.js';
import type { RoundingMode } from './rounding.js';

/**
 * How finely the remaining part of a period is measured:
 * - `second`: Stripe prorates to the second; partial seconds count as a whole second.
 * - `day`: Kill Bill and Lago count days; a started day counts as a whole day (rounded up), so a
 *   change at 10:00 on the 20th of a 30-day period bills 11 remaining days of 30.
 * - `day_30`: days, with every month counted as 30 days (a 30/360 basis: a year is 360 days, a
 *   quarter 90) and the remaining days capped at that basis. This reproduces Kill Bill's
 *   documented example, $19.95 × 8 / 30 = $5.32, whatever the month's real length. Day- and
 *   week-based intervals have no 30/360 meaning and use their real length.
 */
export type ProrationUnit = 'second' | 'day' | 'day_30';

/** The part of the period being prorated: `remaining` of `total` units (exact fraction remaining / total). */
export interface ProrationFraction {
  readonly unit: ProrationUnit;
  readonly remaining: number;
  readonly total: number;
}

/** A priced item of a subscription: a base fee, a number of seats, etc. `key` identifies it across changes. */
export interface SubscriptionItem {
  readonly key: string;
  readonly price: PriceDefinition;
  /** Seats or units for the period; defaults to 1. */
  readonly quantity?: DecimalInput;
  readonly description?: string;
}

/** A period as two instants, start inclusive, end exclusive. */
export interface PeriodBounds {
  readonly start: InstantInput;
  readonly end: InstantInput;
}

/**
 * A change of price, quantity, items or interval at `at` inside the current `period`. Preview and
 * invoicing both call {@link computeProration} with this request, so what the customer is shown
 * is what they are invoiced.
 */
export interface ProrationRequest {
  readonly period: PeriodBounds;
  readonly at: InstantInput;
  readonly interval: BillingInterval;
  readonly currentItems: readonly SubscriptionItem[];
  readonly newItems: readonly SubscriptionItem[];
  /** Set when the new price renews on a different interval; the billing anchor then resets to `at`. */
  readonly newInterval?: BillingInterval;
  readonly unit?: ProrationUnit;
  readonly rounding?: RoundingMode;
}

/**
 * - `unused_time`: credit (negative) for the part of the old item already paid but not used.
 * - `remaining_time`: charge for the new item from the change to the end of the current period.
 * - `new_period`: full charge for a new period that starts at the change (interval change).
 */
export type ProrationLineKind = 'unused_time' | 'remaining_time' | 'new_period';

/** One invoice line produced by a proration. */
export interface ProrationLine {
  readonly itemKey: string;
  readonly kind: ProrationLineKind;
  readonly description: string;
  readonly amount: Money;
  readonly quantity: string;
  readonly periodStart: Instant;
  readonly periodEnd: Instant;
}

/** Upgrade or downgrade, by price per day normalised over the intervals (a monthly $10 < yearly $200). */
export type ChangeDirection = 'upgrade' | 'downgrade' | 'unchanged';

/** The outcome of a mid-period change. `credit + charge === net`, always. */
export interface ProrationResult {
  readonly direction: ChangeDirection;
  readonly lines: readonly ProrationLine[];
  /** Sum of `unused_time` lines (zero or negative). */
  readonly credit: Money;
  /** Sum of `remaining_time` and `new_period` lines (zero or positive). */
  readonly charge: Money;
  readonly net: Money;
  readonly fraction: ProrationFraction;
  /** True when the interval changed: the cycle restarts at `at` (Stripe resets the billing anchor). */
  readonly anchorReset: boolean;
  /** The new billing anchor when `anchorReset`, else null. */
  readonly newAnchor: Instant | null;
  /** When the period the new items run in ends: the old period end, or the first new period's end. */
  readonly periodEnd: Instant;
}

/** Cancelling at `at` inside `period`: credit the unused part of what was paid for `items`. */
export interface CancellationRequest {
  readonly period: PeriodBounds;
  readonly at: InstantInput;
  readonly interval: BillingInterval;
  readonly items: readonly SubscriptionItem[];
  readonly unit?: ProrationUnit;
  readonly rounding?: RoundingMode;
}

/** `used - credit === paid`: the credit never exceeds what was paid and nothing is lost. */
export interface CancellationResult {
  readonly lines: readonly ProrationLine[];
  readonly paid: Money;
  readonly used: Money;
  /** Zero or negative. */
  readonly credit: Money;
  readonly fraction: ProrationFraction;
}

const MS_PER_SECOND = 1000;

function monthsIn(interval: BillingInterval): number {
  return interval.unit === 'year' ? 12 * interval.count : interval.unit === 'month' ? interval.count : 0;
}

function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

function resolvePeriod(period: PeriodBounds, at: InstantInput): { start: Instant; end: Instant; at: Instant } {
  const start = toInstant(period.start, 'period.start');
  const end = toInstant(period.end, 'period.end');
  const instant = toInstant(at, 'at');
  if (end <= start) {
    throw new DomainError('invalid_period', 'A period must end after it starts', { start, end });
  }
  if (instant < start || instant > end) {
    throw new DomainError('invalid_proration', 'The change must happen inside the period', { start, end, at: instant });
  }
  return { start, end, at: instant };
}

/**
 * The remaining fraction of `period` at `at`, measured in `unit`. The same fraction is applied to
 * the old and the new price, so the credit and the charge always describe the same span of time.
 */
export function prorationFraction(
  period: PeriodBounds,
  at: InstantInput,
  interval: BillingInterval,
  unit: ProrationUnit = 'second',
): ProrationFraction {
  assertInterval(interval);
  const bounds = resolvePeriod(period, at);
  const remainingMs = bounds.end - bounds.at;
  const totalMs = bounds.end - bounds.start;
  switch (unit) {
    case 'second':
      return { unit, remaining: ceilDiv(remainingMs, MS_PER_SECOND), total: ceilDiv(totalMs, MS_PER_SECOND) };
    case 'day':
      return { unit, remaining: ceilDiv(remainingMs, MS_PER_DAY), total: ceilDiv(totalMs, MS_PER_DAY) };
    case 'day_30': {
      const months = monthsIn(interval);
      const total = months > 0 ? 30 * months : ceilDiv(totalMs, MS_PER_DAY);
      return { unit, remaining: Math.min(total, ceilDiv(remainingMs, MS_PER_DAY)), total };
    }
    default:
      throw new DomainError('invalid_proration', `Unknown proration unit: ${String(unit)}`, { unit });
  }
}

/**
 * `amount × remaining / total`, rounded once. A negative amount (a credit) is rounded by
 * magnitude, so crediting unused time gives back exactly what that time would cost.
 */
export function prorateAmount(amount: Money, fraction: ProrationFraction, rounding: RoundingMode = DEFAULT_ROUNDING_MODE): Money {
  const minor = toMinorUnits(amount);
  const magnitude = minor < 0n ? -minor : minor;
  const prorated = roundRational(ratio(magnitude * BigInt(fraction.remaining), BigInt(fraction.total)), rounding);
  return fromMinorUnits(minor < 0n ? -prorated : prorated, amount.currency);
}

interface PricedItem {
  readonly item: SubscriptionItem;
  readonly quantity: string;
  readonly periodAmount: Money;
}

function priceItems(items: readonly SubscriptionItem[], rounding: RoundingMode): PricedItem[] {
  const seen = new Set<string>();
  return items.map((item) => {
    if (typeof item.key !== 'string' || item.key === '' || seen.has(item.key)) {
      throw new DomainError('invalid_proration', 'Subscription items need unique, non-empty keys', { key: item.key });
    }
    seen.add(item.key);
    const strategy = createPricingStrategy(item.price);
    if (strategy.model === 'percentage') {
      throw new DomainError('invalid_proration', 'Percentage prices are charged on transactions, not prorated', {
        key: item.key,
      });
    }
    const quantity = toDecimalString(parseDecimal(item.quantity ?? 1, 'quantity'));
    // The period amount is what the full period costs (and was, or will be, invoiced), rounded
    // once; prorating that amount guarantees a full-period credit equals what was paid.
    return { item, quantity, periodAmount: strategy.price(quantity, rounding).amount };
  });
}

function commonCurrency(groups: readonly (readonly PricedItem[])[]): string {
  const currencies = new Set(groups.flat().map((priced) => priced.periodAmount.currency));
  if (currencies.size > 1) {
    throw new DomainError('currency_mismatch', 'All subscription items must share one currency', {
      currencies: [...currencies],
    });
  }
  const [currency] = currencies;
  if (currency === undefined) {
    throw new DomainError('invalid_proration', 'A proration needs at least one item');
  }
  return currency;
}

/**
 * Average days per interval, over the 400-year Gregorian cycle (146,097 days), so that "monthly
 * $10 vs yearly $100" compares the same way whatever month the change happens in.
 */
function averageDays(interval: BillingInterval): Rational {
  switch (interval.unit) {
    case 'day':
      return ratio(BigInt(interval.count));
    case 'week':
      return ratio(BigInt(7 * interval.count));
    case 'month':
      return ratio(146_097n * BigInt(interval.count), 4_800n);
    case 'year':
      return ratio(146_097n * BigInt(interval.count), 400n);
  }
}

function dailyPrice(items: readonly PricedItem[], interval: BillingInterval): Rational {
  const total = items.reduce<Rational>((sum, priced) => add(sum, ratio(BigInt(priced.periodAmount.amount))), ZERO);
  return div(total, averageDays(interval));
}

/** Classifies a change by price per day, normalised over each side's interval. */
export function classifyChange(
  currentItems: readonly SubscriptionItem[],
  currentInterval: BillingInterval,
  newItems: readonly SubscriptionItem[],
  newInterval: BillingInterval = currentInterval,
): ChangeDirection {
  assertInterval(currentInterval);
  assertInterval(newInterval);
  const current = priceItems(currentItems, DEFAULT_ROUNDING_MODE);
  const next = priceItems(newItems, DEFAULT_ROUNDING_MODE);
  commonCurrency([current, next]);
  return directionOf(current, currentInterval, next, newInterval);
}

function directionOf(
  current: readonly PricedItem[],
  currentInterval: BillingInterval,
  next: readonly PricedItem[],
  newInterval: BillingInterval,
): ChangeDirection {
  const order = compare(dailyPrice(next, newInterval), dailyPrice(current, currentInterval));
  return order > 0 ? 'upgrade' : order < 0 ? 'downgrade' : 'unchanged';
}

function sameItem(a: PricedItem, b: PricedItem): boolean {
  return a.quantity === b.quantity && JSON.stringify(a.item.price) === JSON.stringify(b.item.price);
}

function label(priced: PricedItem): string {
  const name = priced.item.description ?? priced.item.key;
  return priced.quantity === '1' ? name : `${priced.quantity} × ${name}`;
}

function unusedTimeLine(
  priced: PricedItem,
  fraction: ProrationFraction,
  at: Instant,
  end: Instant,
  rounding: RoundingMode,
): ProrationLine {
  return {
    itemKey: priced.item.key,
    kind: 'unused_time',
    description: `Unused time on ${label(priced)} after ${instantToIso(at)}`,
    amount: prorateAmount(fromMinorUnits(-BigInt(priced.periodAmount.amount), priced.periodAmount.currency), fraction, rounding),
    quantity: priced.quantity,
    periodStart: at,
    periodEnd: end,
  };
}

function sumLines(lines: readonly ProrationLine[], currency: string): Money {
  return sumMoney(lines.map((line) => line.amount), currency);
}

/**
 * The single proration function, used for previews and for invoicing. For each item that changed
 * (price, quantity, added or removed) it credits the unused part of the old item and charges the
 * remaining part of the new one, both with the same fraction of the period and each line rounded
 * once (as Stripe does, one line per item and direction). Unchanged items produce no lines.
 *
 * If the interval changes (monthly to yearly), the remaining time of the old cycle is credited
 * and a full new period is charged from `at`, which becomes the new billing anchor.
 *
 * Worked example (Stripe's): $10/month → $20/month exactly mid-period: −$5.00 unused + $10.00
 * remaining = +$5.00.
 */
export function computeProration(request: ProrationRequest): ProrationResult {
  assertInterval(request.interval);
  const rounding = request.rounding ?? DEFAULT_ROUNDING_MODE;
  const unit = request.unit ?? 'second';
  const bounds = resolvePeriod(request.period, request.at);
  const fraction = prorationFraction(request.period, request.at, request.interval, unit);
  const current = priceItems(request.currentItems, rounding);
  const next = priceItems(request.newItems, rounding);
  const currency = commonCurrency([current, next]);
  const newInterval = request.newInterval ?? request.interval;
  assertInterval(newInterval);
  const anchorReset = !intervalsEqual(request.interval, newInterval);
  const direction = directionOf(current, request.interval, next, newInterval);

  const lines: ProrationLine[] = [];
  let periodEnd = bounds.end;
  if (anchorReset) {
    periodEnd = addInterval(bounds.at, newInterval, 1);
    for (const priced of current) {
      lines.push(unusedTimeLine(priced, fraction, bounds.at, bounds.end, rounding));
    }
    for (const priced of next) {
      lines.push({
        itemKey: priced.item.key,
        kind: 'new_period',
        description: `${label(priced)} from ${instantToIso(bounds.at)}`,
        amount: priced.periodAmount,
        quantity: priced.quantity,
        periodStart: bounds.at,
        periodEnd,
      });
    }
  } else {
    const nextByKey = new Map(next.map((priced) => [priced.item.key, priced]));
    const currentByKey = new Map(current.map((priced) => [priced.item.key, priced]));
    for (const priced of current) {
      const replacement = nextByKey.get(priced.item.key);
      if (replacement === undefined || !sameItem(priced, replacement)) {
        lines.push(unusedTimeLine(priced, fraction, bounds.at, bounds.end, rounding));
      }
    }
    for (const priced of next) {
      const previous = currentByKey.get(priced.item.key);
      if (previous === undefined || !sameItem(previous, priced)) {
        lines.push({
          itemKey: priced.item.key,
          kind: 'remaining_time',
          description: `Remaining time on ${label(priced)} after ${instantToIso(bounds.at)}`,
          amount: prorateAmount(priced.periodAmount, fraction, rounding),
          quantity: priced.quantity,
          periodStart: bounds.at,
          periodEnd,
        });
      }
    }
  }

  const credit = sumLines(lines.filter((line) => line.kind === 'unused_time'), currency);
  const charge = sumLines(lines.filter((line) => line.kind !== 'unused_time'), currency);
  return {
    direction,
    lines,
    credit,
    charge,
    net: sumLines(lines, currency),
    fraction,
    anchorReset,
    newAnchor: anchorReset ? bounds.at : null,
    periodEnd,
  };
}

/**
 * Cancellation with a prorated credit: each item's unused time is credited with the same rule as
 * a change, and `used` is derived as `paid + credit` so the two always add back up to `paid`.
 */
export function prorateCancellation(request: CancellationRequest): CancellationResult {
  assertInterval(request.interval);
  const rounding = request.rounding ?? DEFAULT_ROUNDING_MODE;
  const bounds = resolvePeriod(request.period, request.at);
  const fraction = prorationFraction(request.period, request.at, request.interval, request.unit ?? 'second');
  const items = priceItems(request.items, rounding);
  const currency = commonCurrency([items]);
  const lines = items.map((priced) => unusedTimeLine(priced, fraction, bounds.at, bounds.end, rounding));
  const paid = sumMoney(items.map((priced) => priced.periodAmount), currency);
  const credit = sumLines(lines, currency);
  return {
    lines,
    paid,
    credit,
    used: fromMinorUnits(toMinorUnits(paid) + toMinorUnits(credit), currency),
    fraction,
  };
}
