import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { ALL_CUSTOMERS, parseEntitlementChange } from './entitlement-changes.js';
import { loadCustomerEntitlements, type CustomerEntitlements } from './load-entitlements.js';
import type { EntitlementView } from './views.js';

export interface EntitlementCacheOptions {
  /** Customers kept (oldest stored is dropped first); default 100,000. */
  maxEntries?: number;
  /** A safety net beside the invalidations: an answer is recomputed after this long anyway (default 5 min). */
  ttlMs?: number;
}

/** Where an answer came from: the cache, PostgreSQL on a miss, or PostgreSQL with the cache off (not live). */
export type CacheSource = 'hit' | 'miss' | 'off';

interface Entry {
  value: CustomerEntitlements;
  storedAt: number;
}

/**
 * The entitlement check's per-process cache: a customer's answers, kept until a write that can
 * change them commits (usage ingested, the subscription's items, status or period persisted, a
 * plan's entitlements, an override or extra quota — each notifies `entitlements_changed` in its
 * own transaction), their usage window or billing period ends, or the TTL passes.
 *
 * Only used while the listener is live: while it is not (starting, or its connection lost), every
 * check reads PostgreSQL, and the cache is emptied whenever it goes live again, since
 * notifications sent meanwhile were lost. A load that overlaps an invalidation of its key is not
 * stored (generation counters), so an answer read before a commit never outlives its notification.
 */
export class EntitlementCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<string, number>();
  private readonly tenantGenerations = new Map<string, number>();
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

  get stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses };
  }

  clear(): void {
    this.entries.clear();
    this.generations.clear();
    this.bump(this.tenantGenerations, '*');
  }

  /** A payload from `entitlements_changed`. */
  onNotification(payload: string): void {
    const change = parseEntitlementChange(payload);
    if (change === null) return;
    if (change.customerId === ALL_CUSTOMERS) {
      this.bump(this.tenantGenerations, change.tenantId);
      const prefix = `${change.tenantId}:`;
      for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
      return;
    }
    const key = `${change.tenantId}:${change.customerId}`;
    // Generations of customers not cached are kept too (a load may be in flight); bounded by starting over.
    if (this.generations.size >= 4 * this.maxEntries) this.clear();
    this.bump(this.generations, key);
    this.entries.delete(key);
  }

  /**
   * Drops answers a write made in this process changed, as soon as it returns: its own
   * notification arrives a moment later, and a check made in between must not see the old answer.
   */
  invalidate(tenantId: string, customerIds: readonly string[]): void {
    for (const customerId of new Set(customerIds)) this.onNotification(`${tenantId}:${customerId}`);
  }

  /** Every feature's answer for the customer, from the cache or PostgreSQL (`source` says which). */
  async customer(db: Db, request: { tenantId: string; customerId: string; now: number }): Promise<CustomerEntitlements & { source: CacheSource }> {
    const input = { tenantId: request.tenantId, customerId: request.customerId, now: request.now };
    if (!this.live) return { ...(await loadCustomerEntitlements(db, input)), source: 'off' };
    const key = `${input.tenantId}:${input.customerId}`;
    const cached = this.entries.get(key);
    if (cached !== undefined && input.now < cached.value.validUntil && Date.now() - cached.storedAt < this.ttlMs) {
      this.hits += 1;
      return { ...cached.value, source: 'hit' };
    }
    this.misses += 1;
    const generation = this.generationOf(input.tenantId, key);
    const value = await loadCustomerEntitlements(db, input);
    if (this.live && this.generationOf(input.tenantId, key) === generation) {
      this.entries.delete(key);
      this.entries.set(key, { value, storedAt: Date.now() });
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return { ...value, source: 'miss' };
  }

  /** One feature's answer (`feature_not_found` for a key the tenant has no feature for). */
  async feature(db: Db, input: { tenantId: string; customerId: string; featureKey: string; now: number }): Promise<{ answer: EntitlementView; source: CacheSource }> {
    // Not caching: read just this feature (the benchmark's straight-from-PostgreSQL answer).
    const { answers, source } = this.live ? await this.customer(db, input) : { ...(await loadCustomerEntitlements(db, input)), source: 'off' as const };
    const answer = answers.find((a) => a.featureKey === input.featureKey) ?? answers.find((a) => a.featureId === input.featureKey);
    if (answer === undefined) throw notFound('feature', input.featureKey);
    return { answer, source };
  }

  private generationOf(tenantId: string, key: string): string {
    return `${this.tenantGenerations.get('*') ?? 0}.${this.tenantGenerations.get(tenantId) ?? 0}.${this.generations.get(key) ?? 0}`;
  }

  private bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }
}
