import type { UsageWindow } from '../activities/types.js';
import { unbilledWindows, type MeteredSegment as DomainSegment } from '../src/domain/index.js';
import type { ItemState } from './subscription-item.js';

/**
 * The usage a subscription has yet to bill, kept by the workflow. Each metered item is a segment
 * of time (`[from, to)`, open while the item is on the subscription); an invoice bills the part
 * of every segment from `billedUntil` to its own instant, in arrears. A change of metered price
 * closes one segment and opens another at the change instant, so usage splits exactly there.
 */
export interface MeteredSegment extends DomainSegment {
  to: number | null;
}

export interface UsageState {
  /** Usage before this instant has been billed (or was never billable: a trial). */
  billedUntil: number;
  segments: MeteredSegment[];
  /** Whether any invoice has billed usage: later invoices then reconcile late events. */
  billedAny: boolean;
  /** The subscription ended here: its usage up to this instant goes on a final invoice. */
  finalAt: number | null;
  finalBilled: boolean;
}

/** The metered items' segments, open from `from`. */
export function openSegments(items: readonly ItemState[], from: number): MeteredSegment[] {
  return items.flatMap((item) => (item.price.meterId ? [{ priceId: item.priceId, meterId: item.price.meterId, from, to: null }] : []));
}

export function initialUsage(items: readonly ItemState[], usageFrom: number): UsageState {
  return { billedUntil: usageFrom, segments: openSegments(items, usageFrom), billedAny: false, finalAt: null, finalBilled: false };
}

/** The items change at `at`: metered prices that go are closed there, new ones open there; the rest go on. */
export function changeMeteredItems(usage: UsageState, next: readonly ItemState[], at: number): UsageState {
  const nextPrices = new Set(next.flatMap((item) => (item.price.meterId ? [item.priceId] : [])));
  const segments = usage.segments.map((segment) => (segment.to === null && !nextPrices.has(segment.priceId) ? { ...segment, to: at } : segment));
  const stillOpen = new Set(segments.filter((segment) => segment.to === null).map((segment) => segment.priceId));
  const opened = openSegments(next, at).filter((segment) => !stillOpen.has(segment.priceId));
  return { ...usage, segments: [...segments, ...opened] };
}

/** The windows an invoice at `until` bills: each segment's unbilled part, in segment order. */
export function usageWindowsUntil(usage: UsageState, until: number): UsageWindow[] {
  return unbilledWindows(usage.segments, usage.billedUntil, until);
}

/** After an invoice at `until` has billed its windows: closed segments it finished are dropped. */
export function billedThrough(usage: UsageState, until: number, billedWindows: readonly UsageWindow[]): UsageState {
  return {
    ...usage,
    billedUntil: Math.max(usage.billedUntil, until),
    segments: usage.segments.filter((segment) => segment.to === null || segment.to > until),
    billedAny: usage.billedAny || billedWindows.length > 0,
  };
}

/** Whether the subscription meters anything an invoice could still have to bill. */
export function hasUsage(usage: UsageState): boolean {
  return usage.segments.length > 0 || usage.billedAny;
}

/**
 * Late events are accepted up to 35 days back, and reach the next invoice at the latest one
 * period after they arrive: an invoice reconciles every window that ended within that reach.
 */
export const LATE_USAGE_WINDOW_MS = 35 * 86_400_000;

export function reconcileSince(usage: UsageState, at: number, periodLengthMs: number): number | null {
  return usage.billedAny ? at - LATE_USAGE_WINDOW_MS - periodLengthMs - 86_400_000 : null;
}
