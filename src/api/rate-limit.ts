import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env.js';
import { ApiError } from './errors.js';

export interface RateLimitOptions {
  /** Sustained requests per second per API key; 0 turns limiting off. */
  requestsPerSecond: number;
  /** How many requests a key may make at once after being idle. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { requestsPerSecond: 25, burst: 50 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per API key, in this process's memory: each API replica limits on its own, so
 * the effective limit scales with the replicas behind the load balancer (documented in the
 * README). Buckets idle long enough to be full again are dropped, so memory follows active keys.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string): { waitMs: number; remaining: number } {
    const now = this.clock();
    this.sweep(now);
    const { requestsPerSecond: rate, burst } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { waitMs: 0, remaining: Math.floor(bucket.tokens) };
    }
    // The epsilon absorbs floating-point residue (0.998 tokens is a 2.0000000000000018 ms wait, not 3).
    return { waitMs: Math.ceil(((1 - bucket.tokens) / rate) * 1000 - 1e-6), remaining: 0 };
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const refillMs = (this.options.burst / this.options.requestsPerSecond) * 1000;
    if (now - this.lastSweep < refillMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt >= refillMs) this.buckets.delete(key);
  }
}

const ENTITLEMENT_CHECK = /^\/v1\/customers\/[^/]+\/entitlements(\/[^/]+)?\/?$/;

/** 429 with `Retry-After` (whole seconds, rounded up) once a key's bucket is empty. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<ApiEnv> {
  if (options.requestsPerSecond <= 0) return async (_c, next) => next();
  const buckets = new TokenBuckets(options);
  return async (c, next) => {
    // Entitlement checks are the product's own hot path (one per request of the tenant's app) and
    // are answered from memory: they take no tokens, so a burst of them never starves billing calls.
    if (c.req.method === 'GET' && ENTITLEMENT_CHECK.test(c.req.path)) return next();
    const { waitMs, remaining } = buckets.take(c.get('principal').apiKeyId);
    c.header('RateLimit-Limit', String(options.burst));
    c.header('RateLimit-Remaining', String(remaining));
    if (waitMs > 0) {
      const retryAfter = String(Math.max(1, Math.ceil(waitMs / 1000)));
      throw new ApiError('rate_limited', `Too many requests for this API key; retry after ${retryAfter} s`, [{ retryAfterSeconds: Number(retryAfter) }], {
        'Retry-After': retryAfter,
      });
    }
    await next();
  };
}
