import type { UsageWindow } from '../../domain/index.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { meterQuantity, type QuantityMeter } from '../usage/meter-quantity.js';
import { ALL_CUSTOMERS, parseEntitlementChange, type EntitlementChangeKind } from './entitlement-changes.js';
import { answersOf, loadCustomerEntitlements, loadEntitlementPlan, type CustomerEntitlements, type EntitlementPlan } from './load-entitlements.js';
import type { EntitlementView } from './views.js';

export interface EntitlementCacheOptions {
  /** Customers kept (oldest stored is dropped first); default 100,000. */
  maxEntries?: number;
  /** A safety net beside the invalidations: an entry is read again after this long anyway (default 5 min). */
  ttlMs?: number;
}

/** Where an answer came from: the cache, PostgreSQL on a miss, or PostgreSQL with the cache off (not live). */
export type CacheSource = 'hit' | 'miss' | 'off';

interface PlanEntry {
  plan: EntitlementPlan;
  storedAt: number;
  /** The answers last computed from this plan, and the usage generation they were computed at. */
  answers: { usageGeneration: number; views: EntitlementView[] } | null;
}

interface UsageEntry {
  quantity: string;
  storedAt: number;
}

/**
 * The entitlement check's per-process cache, in two parts: a customer's plan (what its
 * subscriptions, plans, overrides and grants say, with each metered feature's meter and window)
 * and the usage of each (meter, window). A write that can change them notifies
 * `entitlements_changed` in its own transaction: stored usage drops the customer's usage only
 * (one meter read to answer again), anything else its plan as well; a tenant's feature or plan
 * change drops the whole tenant. Entries also end with their usage window or billing period, and
 * after the TTL.
 *
 * Only used while the listener is live: while it is not (starting, or its connection lost), every
 * check reads PostgreSQL, and the cache is emptied whenever it goes live again, since
 * notifications sent meanwhile were lost. A read that overlaps an invalidation of its key is not
 * stored (generation counters), so an answer read before a commit never outlives its notification.
 */
export class EntitlementCache {
  private readonly plans = new Map<string, PlanEntry>();
  private readonly usage = new Map<string, UsageEntry>();
  private readonly usageKeys = new Map<string, Set<string>>();
  private readonly planGenerations = new Map<string, number>();
  private readonly usageGenerations = new Map<string, number>();
  private readonly tenantGenerations = new Map<string, number>();
  private epoch = 0;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private live = false;
  private hits = 0;
  private misses = 0;

  constructor(options: EntitlementCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.ttlMs = options.ttlMs ?? 300_000;
  }

  /** The listener's state: caching only while notifications arrive. */
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
  }

  get isLive(): boolean {
    return this.live;
  }

  get stats(): { entries: number; usageEntries: number; hits: number; misses: number } {
    return { entries: this.plans.size, usageEntries: this.usage.size, hits: this.hits, misses: this.misses };
  }

  clear(): void {
    this.plans.clear();
    this.usage.clear();
    this.usageKeys.clear();
    this.planGenerations.clear();
    this.usageGenerations.clear();
    this.epoch += 1;
  }

  /** A payload from `entitlements_changed`. */
  onNotification(payload: string): void {
    const change = parseEntitlementChange(payload);
    if (change !== null) this.drop(change.kind, change.tenantId, change.customerId);
  }

  /**
   * Drops answers a write made in this process changed, as soon as it returns: its own
   * notification arrives a moment later, and a check made in between must not see the old answer.
   */
  invalidate(tenantId: string, customerIds: readonly string[], kind: EntitlementChangeKind = 'plan'): void {
    for (const customerId of new Set(customerIds)) this.drop(kind, tenantId, customerId);
  }

  private drop(kind: EntitlementChangeKind, tenantId: string, customerId: string): void {
    if (customerId === ALL_CUSTOMERS) {
      bump(this.tenantGenerations, tenantId);
      const prefix = `${tenantId}:`;
      for (const key of this.plans.keys()) if (key.startsWith(prefix)) this.plans.delete(key);
      for (const key of this.usageKeys.keys()) if (key.startsWith(prefix)) this.dropUsage(key);
      return;
    }
    const key = `${tenantId}:${customerId}`;
    // Generations of customers not cached are kept too (a read may be in flight); bounded by starting over.
    if (this.usageGenerations.size >= 4 * this.maxEntries) this.clear();
    bump(this.usageGenerations, key);
    this.dropUsage(key);
    if (kind === 'plan') {
      bump(this.planGenerations, key);
      this.plans.delete(key);
    }
  }

  private dropUsage(customerKey: string): void {
    for (const usageKey of this.usageKeys.get(customerKey) ?? []) this.usage.delete(usageKey);
    this.usageKeys.delete(customerKey);
  }

  /** Every feature's answer for the customer, from the cache or PostgreSQL (`source` says which). */
  async customer(db: Db, request: { tenantId: string; customerId: string; now: number }): Promise<CustomerEntitlements & { source: CacheSource }> {
    const { tenantId, customerId, now } = request;
    if (!this.live) return { ...(await loadCustomerEntitlements(db, { tenantId, customerId, now })), source: 'off' };
    const key = `${tenantId}:${customerId}`;
    let missed = false;
    let entry = this.plans.get(key);
    if (entry === undefined || !(now < entry.plan.validUntil) || Date.now() - entry.storedAt >= this.ttlMs) {
      missed = true;
      const generation = this.planGeneration(tenantId, key);
      const plan = await loadEntitlementPlan(db, { tenantId, customerId, now });
      entry = { plan, storedAt: Date.now(), answers: null };
      if (this.live && this.planGeneration(tenantId, key) === generation) {
        // Usage of the windows the old plan read goes with it (a new period reads new windows).
        this.dropUsage(key);
        this.plans.delete(key);
        this.plans.set(key, entry);
        if (this.plans.size > this.maxEntries) this.evictOldest();
      }
    }
    const usageGeneration = this.usageGenerations.get(key) ?? 0;
    if (!missed && entry.answers !== null && entry.answers.usageGeneration === usageGeneration) {
      this.hits += 1;
      return { answers: entry.answers.views, validUntil: entry.plan.validUntil, source: 'hit' };
    }
    const read = async (meter: QuantityMeter, window: UsageWindow): Promise<string> => {
      const usageKey = `${key}|${meter.id}|${window.from}|${window.to}`;
      const cached = this.usage.get(usageKey);
      if (cached !== undefined && Date.now() - cached.storedAt < this.ttlMs) return cached.quantity;
      missed = true;
      const generation = this.usageGeneration(tenantId, key);
      const quantity = await meterQuantity(db, { tenantId, customerId, meter, from: window.from, to: window.to });
      if (this.live && this.usageGeneration(tenantId, key) === generation) {
        this.usage.set(usageKey, { quantity, storedAt: Date.now() });
        const keys = this.usageKeys.get(key) ?? new Set<string>();
        keys.add(usageKey);
        this.usageKeys.set(key, keys);
      }
      return quantity;
    };
    const views = await answersOf(entry.plan, read);
    // Remembered with the usage generation they were read at: stored usage makes them stale.
    if ((this.usageGenerations.get(key) ?? 0) === usageGeneration) entry.answers = { usageGeneration, views };
    if (missed) this.misses += 1;
    else this.hits += 1;
    return { answers: views, validUntil: entry.plan.validUntil, source: missed ? 'miss' : 'hit' };
  }

  /** One feature's answer (`feature_not_found` for a key the tenant has no feature for). */
  async feature(db: Db, input: { tenantId: string; customerId: string; featureKey: string; now: number }): Promise<{ answer: EntitlementView; source: CacheSource }> {
    // Not caching: read just this feature (the benchmark's straight-from-PostgreSQL answer).
    const { answers, source } = this.live ? await this.customer(db, input) : { ...(await loadCustomerEntitlements(db, input)), source: 'off' as const };
    const answer = answers.find((a) => a.featureKey === input.featureKey) ?? answers.find((a) => a.featureId === input.featureKey);
    if (answer === undefined) throw notFound('feature', input.featureKey);
    return { answer, source };
  }

  private evictOldest(): void {
    const oldest = this.plans.keys().next().value;
    if (oldest === undefined) return;
    this.plans.delete(oldest);
    this.dropUsage(oldest);
  }

  private planGeneration(tenantId: string, key: string): string {
    return `${this.epoch}.${this.tenantGenerations.get(tenantId) ?? 0}.${this.planGenerations.get(key) ?? 0}`;
  }

  private usageGeneration(tenantId: string, key: string): string {
    return `${this.epoch}.${this.tenantGenerations.get(tenantId) ?? 0}.${this.usageGenerations.get(key) ?? 0}`;
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
