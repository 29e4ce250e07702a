import type { ApiKeyRole } from '../generated/prisma/enums.js';

/** Who is calling: resolved from the API key by `authenticate`, read by every /v1 handler. */
export interface Principal {
  tenantId: string;
  apiKeyId: string;
  role: ApiKeyRole;
}

/** The Hono environment of the /v1 routes. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    principal: Principal;
  };
}
