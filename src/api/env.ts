import type { ApiKeyPrincipal } from '../tenancy/api-keys.js';

/** Who is calling: resolved from the API key by `authenticate`, read by every /v1 handler. */
export type Principal = ApiKeyPrincipal;

/** The Hono environment of the /v1 routes. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    /**
     * Set when the request carries an Idempotency-Key: the key plus the instant it was first
     * claimed. Creates derive their ids from it, so a retry finds what the first attempt made,
     * while the same key reused after its 24 h retention makes something new.
     */
    idempotencyScope: string | undefined;
    /**
     * What a replay of this response under its Idempotency-Key answers, when it must differ from
     * the response itself: a new API key's secret is shown once and never stored.
     */
    replayBody: unknown;
  };
}
