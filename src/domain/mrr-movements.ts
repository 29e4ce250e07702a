import { DomainError } from './errors.js';

/** A subscription's MRR from `at` on (minor units; 0 once it no longer counts). */
export interface MrrPoint {
  readonly subscriptionId: string;
  readonly customerId: string;
  /** Epoch ms. */
  readonly at: number;
  readonly mrr: bigint;
}

/** How a customer's MRR moved; `contraction` and `churn` are negative, so the five sum to the change. */
export interface MrrMovements {
  readonly new: bigint;
  readonly expansion: bigint;
  readonly contraction: bigint;
  readonly churn: bigint;
  readonly reactivation: bigint;
}

/** One bucket `[start, end)` of the MRR history. */
export interface MrrBucket {
  readonly start: number;
  readonly end: number;
  readonly openingMrr: bigint;
  readonly closingMrr: bigint;
  readonly movements: MrrMovements;
  readonly customers: {
    /** Paying customers (MRR > 0) at the start and at the end. */
    readonly opening: number;
    readonly closing: number;
    /** Customer movements: first MRR ever, back from 0 after a churn, and down to 0. */
    readonly new: number;
    readonly reactivated: number;
    readonly churned: number;
  };
  /** The closing MRR of the customers who paid at the start (the cohort net retention follows). */
  readonly cohortClosingMrr: bigint;
}

/** Which movement a customer's MRR going from `before` to `after` at one instant is. */
export function classifyMovement(before: bigint, after: bigint, paidBefore: boolean): keyof MrrMovements | null {
  if (before === after) return null;
  if (before === 0n) return paidBefore ? 'reactivation' : 'new';
  if (after === 0n) return 'churn';
  return after > before ? 'expansion' : 'contraction';
}

const zeroMovements = (): Record<keyof MrrMovements, bigint> => ({ new: 0n, expansion: 0n, contraction: 0n, churn: 0n, reactivation: 0n });

/**
 * Replays the MRR history into buckets. Movements are a customer's, not a subscription's (a
 * second subscription is expansion, a plan moved to a new subscription at one instant is not a
 * churn and a new customer), and every change of one instant is applied before the customer is
 * classified. A customer whose MRR goes up from 0 is new the first time in the whole history and
 * a reactivation after that. Each bucket's movements sum exactly to closing − opening MRR.
 * `boundaries` are ascending instants; bucket i is `[boundaries[i], boundaries[i + 1])`.
 */
export function mrrBuckets(points: readonly MrrPoint[], boundaries: readonly number[]): MrrBucket[] {
  for (let i = 1; i < boundaries.length; i += 1) {
    if (!((boundaries[i] ?? 0) > (boundaries[i - 1] ?? 0))) throw new DomainError('invalid_period', 'Bucket boundaries must ascend', { index: i });
  }
  const ordered = points.map((point, index) => ({ point, index })).sort((a, b) => a.point.at - b.point.at || a.index - b.index);
  const subscriptionMrr = new Map<string, { customerId: string; mrr: bigint }>();
  const customerMrr = new Map<string, bigint>();
  const everPaid = new Set<string>();
  let cursor = 0;

  /** Applies every point before `until`, an instant at a time; calls `classified` per moved customer. */
  const replayUntil = (until: number, classified: (customerId: string, kind: keyof MrrMovements, delta: bigint) => void) => {
    while (cursor < ordered.length && (ordered[cursor]?.point.at ?? Infinity) < until) {
      const at = ordered[cursor]?.point.at ?? 0;
      const before = new Map<string, bigint>();
      while (cursor < ordered.length && ordered[cursor]?.point.at === at) {
        const { point } = ordered[cursor] as { point: MrrPoint };
        cursor += 1;
        const previous = subscriptionMrr.get(point.subscriptionId);
        const owner = previous?.customerId ?? point.customerId;
        if (!before.has(owner)) before.set(owner, customerMrr.get(owner) ?? 0n);
        customerMrr.set(owner, (customerMrr.get(owner) ?? 0n) - (previous?.mrr ?? 0n) + point.mrr);
        subscriptionMrr.set(point.subscriptionId, { customerId: owner, mrr: point.mrr });
      }
      for (const [customerId, was] of before) {
        const now = customerMrr.get(customerId) ?? 0n;
        const kind = classifyMovement(was, now, everPaid.has(customerId));
        if (now > 0n) everPaid.add(customerId);
        if (kind !== null) classified(customerId, kind, now - was);
      }
    }
  };
  const paying = (): Map<string, bigint> => new Map([...customerMrr].filter(([, mrr]) => mrr > 0n));
  const total = (map: Map<string, bigint>): bigint => [...map.values()].reduce((sum, mrr) => sum + mrr, 0n);

  const buckets: MrrBucket[] = [];
  if (boundaries.length < 2) return buckets;
  replayUntil(boundaries[0] ?? 0, () => undefined);
  for (let i = 0; i + 1 < boundaries.length; i += 1) {
    const start = boundaries[i] ?? 0;
    const end = boundaries[i + 1] ?? 0;
    const opening = paying();
    const movements = zeroMovements();
    const counts = { new: 0, reactivated: 0, churned: 0 };
    replayUntil(end, (_customerId, kind, delta) => {
      movements[kind] += delta;
      if (kind === 'new') counts.new += 1;
      else if (kind === 'reactivation') counts.reactivated += 1;
      else if (kind === 'churn') counts.churned += 1;
    });
    const closing = paying();
    buckets.push({
      start,
      end,
      openingMrr: total(opening),
      closingMrr: total(closing),
      movements,
      customers: { opening: opening.size, closing: closing.size, ...counts },
      cohortClosingMrr: [...opening.keys()].reduce((sum, customerId) => sum + (customerMrr.get(customerId) ?? 0n), 0n),
    });
  }
  return buckets;
}

/** A subscription's recorded MRR state from `at` on: whether it counts, and its recurring MRR. */
export interface RecurringMrrChange {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly at: number;
  readonly counted: boolean;
  readonly mrr: bigint;
}

/** Invoiced usage of one billing period `[from, to)`, as minor units per month. */
export interface UsageRunRate {
  readonly subscriptionId: string;
  readonly from: number;
  readonly to: number;
  readonly mrr: bigint;
}

/**
 * The MRR points analytics replay: the recurring history alone, or with each billing period's
 * invoiced usage added over that period while the subscription counts. A point is emitted only
 * where a subscription's total changes.
 */
export function mrrPoints(changes: readonly RecurringMrrChange[], usage: readonly UsageRunRate[] = []): MrrPoint[] {
  const bySubscription = new Map<string, RecurringMrrChange[]>();
  for (const change of changes) bySubscription.set(change.subscriptionId, [...(bySubscription.get(change.subscriptionId) ?? []), change]);
  const points: MrrPoint[] = [];
  for (const [subscriptionId, history] of bySubscription) {
    history.sort((a, b) => a.at - b.at);
    const windows = usage.filter((rate) => rate.subscriptionId === subscriptionId);
    const instants = [...new Set([...history.map((c) => c.at), ...windows.flatMap((w) => [w.from, w.to])])].sort((a, b) => a - b);
    let last: bigint | null = null;
    for (const at of instants) {
      const state = history.filter((change) => change.at <= at).at(-1);
      if (state === undefined) continue;
      const usageMrr = windows.filter((w) => w.from <= at && at < w.to).reduce((sum, w) => sum + w.mrr, 0n);
      const mrr = state.counted ? state.mrr + usageMrr : 0n;
      if (mrr === last) continue;
      points.push({ subscriptionId, customerId: state.customerId, at, mrr });
      last = mrr;
    }
  }
  return points;
}
