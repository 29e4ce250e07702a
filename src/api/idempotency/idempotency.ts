import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import type { IdempotencyStore, IdempotentRequest } from '../../idempotency/idempotency-store.js';
import { requestFingerprint } from './request-fingerprint.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a repeat waits for the first request with its key to finish before answering 409. */
const WAIT_FOR_FIRST_MS = 10_000;
const POLL_MS = 25;
const PURGE_INTERVAL_MS = 15 * 60_000;

/**
 * Responses that say nothing happened and must not pin the key: the request may be fixed and
 * sent again under the same key (Stripe likewise saves no result for a request that failed
 * validation or was rate limited). 5xx means we do not know, and the retry must be able to run.
 */
function isReplayable(status: number): boolean {
  return status < 500 && status !== 400 && status !== 401 && status !== 403 && status !== 429;
}

/**
 * `Idempotency-Key` on POST (optional, as in Stripe): the first request with a key runs and its
 * response is stored; a repeat with the same method, path and body gets that response again
 * (header `Idempotent-Replayed: true`); the same key with another body or path is a 409. A repeat
 * that arrives while the first is still running waits for it, then replays its answer, so two
 * concurrent requests with one key have one effect and both callers see it.
 */
/** Retention and leases are operational matters, so they run on the wall clock, not the billing clock. */
export function idempotency(store: IdempotencyStore): MiddlewareHandler<ApiEnv> {
  let lastPurge = 0;
  return async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 printable ASCII characters', [{ field: `header.${IDEMPOTENCY_HEADER}` }]);
    }
    const request: IdempotentRequest = {
      tenantId: c.get('principal').tenantId,
      key,
      method: c.req.method,
      path: c.req.path,
      fingerprint: requestFingerprint(c.req.method, c.req.path, await c.req.text()),
    };
    const wallClock = Date.now();
    if (wallClock - lastPurge > PURGE_INTERVAL_MS) {
      lastPurge = wallClock;
      void store.purgeExpired(wallClock).catch(() => undefined);
    }
    const deadline = wallClock + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claim = await store.claim(request, Date.now());
      if (claim.kind === 'claimed') {
        c.set('idempotencyScope', `${key}@${claim.claimedAt}`);
        break;
      }
      if (claim.kind === 'replay') {
        c.header('Idempotent-Replayed', 'true');
        return c.json(claim.body, claim.status as ContentfulStatusCode);
      }
      if (claim.kind === 'mismatch') {
        throw new ApiError('idempotency_key_reused',
          `Idempotency-Key ${key} was used for a different request (${claim.differs === 'path' ? 'another endpoint' : 'another body'}); use a new key`,
          [{ field: `header.${IDEMPOTENCY_HEADER}`, differs: claim.differs }],
        );
      }
      if (Date.now() >= deadline) {
        throw new ApiError('idempotency_request_in_progress', `A request with Idempotency-Key ${key} is still being processed; retry shortly`, [], { 'Retry-After': '1' });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      await next();
    } catch (error) {
      await store.release(request);
      throw error;
    }
    const status = c.res.status;
    if (!isReplayable(status)) {
      await store.release(request);
      return;
    }
    const replayBody: unknown = c.get('replayBody');
    const body: unknown = replayBody !== undefined ? replayBody : await c.res.clone().json().catch(() => null);
    await store.complete(request, status, body, Date.now());
  };
}
