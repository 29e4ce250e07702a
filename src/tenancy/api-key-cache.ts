import type { PrismaClient } from '../db/prisma-client.js';
import { findApiKeyByHash, hashApiKey, type ApiKeyPrincipal } from './api-keys.js';

/**
 * The channel a trigger on api_keys notifies (payload: the changed key's hash) whenever a key is
 * revoked, rotated, renamed, re-roled or deleted — by the API or by hand in SQL — at commit.
 */
export const API_KEY_CHANNEL = 'api_keys_changed';

interface Entry {
  principal: ApiKeyPrincipal;
  expiresAt: number | null;
  storedAt: number;
}

/**
 * Authenticated keys, per API process, so a request costs no database round trip: an entry goes
 * when its key changes (the trigger's notification, at commit, in every process), when it
 * expires (a rotated key's grace period), and after `ttlMs` at most. Used only while the listener
 * is live; emptied whenever it goes live again. Unknown and revoked keys are never cached: each
 * such request looks again. A lookup that overlaps a change is not stored.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private live = false;

  constructor(private readonly options: { ttlMs?: number; maxEntries?: number } = {}) {}

  setLive(live: boolean): void {
    this.live = live;
    this.entries.clear();
    this.generation += 1;
  }

  /** Drops every key (a key changed through this process: its notification is a moment behind). */
  clear(): void {
    this.entries.clear();
    this.generation += 1;
  }

  /** A payload from `api_keys_changed`: the key's hash. */
  onNotification(hashedKey: string): void {
    this.entries.delete(hashedKey);
    this.generation += 1;
  }

  /** The live key a secret belongs to, or null. */
  async find(prisma: PrismaClient, secret: string): Promise<ApiKeyPrincipal | null> {
    const hash = hashApiKey(secret);
    const now = Date.now();
    if (this.live) {
      const hit = this.entries.get(hash);
      if (hit !== undefined && now - hit.storedAt < (this.options.ttlMs ?? 60_000) && (hit.expiresAt === null || now < hit.expiresAt)) return hit.principal;
      if (hit !== undefined) this.entries.delete(hash);
    }
    const generation = this.generation;
    const found = await findApiKeyByHash(prisma, hash);
    if (found !== null && this.live && generation === this.generation) {
      this.entries.set(hash, { ...found, storedAt: now });
      if (this.entries.size > (this.options.maxEntries ?? 10_000)) this.entries.delete(this.entries.keys().next().value!);
    }
    return found?.principal ?? null;
  }
}
