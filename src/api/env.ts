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
  };
}
