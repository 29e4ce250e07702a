import type { MiddlewareHandler } from 'hono';
import type { BillingDatabase } from '../../billing/db.js';
import type { ApiKeyCache } from '../../tenancy/api-key-cache.js';
import { API_KEY_PREFIX, findApiKey, recordApiKeyUse, type ApiKeyPrincipal } from '../../tenancy/api-keys.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { addLogContext } from '../../observability/logger.js';

const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const MAX_KEY_LENGTH = 200;

function unauthorized(code: 'authentication_required' | 'invalid_api_key', message: string): ApiError {
  return new ApiError(code, message, [], { 'WWW-Authenticate': 'Bearer realm="durable-billing"' });
}

export type ApiKeyLookup = (secret: string) => Promise<ApiKeyPrincipal | null>;

/**
 * The live key a secret names, or null for anything else (malformed, unknown, revoked, past its
 * rotation's grace period) — what the API and the console both authenticate with. Concurrent
 * lookups of one secret share the one in flight; without the cache, a lookup that starts after
 * another finished reads again, so a revocation is seen at once.
 */
export function apiKeyLookup(prisma: BillingDatabase, keys?: ApiKeyCache): ApiKeyLookup {
  const inFlight = new Map<string, Promise<ApiKeyPrincipal | null>>();
  return (secret) => {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > MAX_KEY_LENGTH) return Promise.resolve(null);
    let lookup = inFlight.get(secret);
    if (lookup === undefined) {
      lookup = (keys === undefined ? findApiKey(prisma, secret) : keys.find(prisma, secret)).finally(() => inFlight.delete(secret));
      inFlight.set(secret, lookup);
    }
    return lookup;
  };
}

/**
 * `Authorization: Bearer dbk_…`. The key is looked up by its SHA-256 (one indexed read); a
 * missing, malformed, unknown or revoked key gets the same 401 so nothing can be learned by
 * probing; concurrent requests with one key share one read. With `keys` (live), a key is read
 * once and then answered from memory until it changes — revoked, rotated or deleted, whose
 * notification reaches every process at commit. `lastUsedAt` is written at most once a minute
 * per key, off the request's path.
 */
export function authenticate(prisma: BillingDatabase, keys?: ApiKeyCache): MiddlewareHandler<ApiEnv> {
  const lastWritten = new Map<string, number>();
  const lookUp = apiKeyLookup(prisma, keys);
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      throw unauthorized('authentication_required', 'Send an API key as "Authorization: Bearer <key>"');
    }
    const scheme = header.trim().split(/\s+/)[0] ?? '';
    if (!/^Bearer$/i.test(scheme)) {
      // Basic auth, a bare key or another scheme: nothing was presented the way keys are, so say how
      // (never echoing what was sent, which may be the key itself).
      const named = /\s/.test(header.trim()) && /^[A-Za-z-]{1,20}$/.test(scheme) ? `The ${scheme} scheme is not accepted` : 'The Authorization header names no scheme';
      throw unauthorized('authentication_required', `${named}: send the API key as "Authorization: Bearer dbk_…"`);
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const secret = match?.[1];
    const principal = secret === undefined ? null : await lookUp(secret);
    if (principal === null) throw unauthorized('invalid_api_key', 'The API key is invalid or has been revoked');
    c.set('principal', principal);
    addLogContext({ tenantId: principal.tenantId });
    const now = Date.now();
    if ((lastWritten.get(principal.apiKeyId) ?? 0) + LAST_USED_WRITE_INTERVAL_MS < now) {
      lastWritten.set(principal.apiKeyId, now);
      void recordApiKeyUse(prisma, principal.apiKeyId, new Date(now)).catch(() => undefined);
    }
    await next();
  };
}
