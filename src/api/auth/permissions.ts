import type { MiddlewareHandler } from 'hono';
import type { ApiKeyPrincipal } from '../../tenancy/api-keys.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { RouteTable } from '../route-templates.js';

/**
 * What a route needs of the key that calls it. `read`: any GET. `collect`: what support does for a
 * customer on the phone (pay now, void, pause, resume). `manage_billing`: every other change
 * (customers, catalog, subscriptions, credit, usage). `administer`: the tenant's API keys and its
 * settings.
 */
type ApiKeyRole = ApiKeyPrincipal['role'];

export type Permission = 'read' | 'collect' | 'manage_billing' | 'administer';

/** The four roles, each a set of permissions (Stripe's and Lago's admin / billing / support / read-only split). */
export const ROLE_PERMISSIONS: { readonly [R in ApiKeyRole]: readonly Permission[] } = {
  admin: ['read', 'collect', 'manage_billing', 'administer'],
  billing: ['read', 'collect', 'manage_billing'],
  support: ['read', 'collect'],
  read_only: ['read'],
};

/**
 * Routes whose permission is not their method's default (GET: `read`; any other method:
 * `manage_billing`). Defaulting writes to `manage_billing` means a new route is never open to a
 * support or read-only key by omission. test/workflow/api/api-keys.test.ts checks each template
 * names a real operation.
 */
export const ROUTE_PERMISSIONS = new RouteTable<Permission>({
  'POST /v1/invoices/{invoiceId}/pay': 'collect',
  'POST /v1/invoices/{invoiceId}/void': 'collect',
  'POST /v1/subscriptions/{subscriptionId}/pause': 'collect',
  'POST /v1/subscriptions/{subscriptionId}/resume': 'collect',
  'PUT /v1/billing-settings': 'administer',
  'PUT /v1/dunning-policy': 'administer',
  'GET /v1/api-keys': 'administer',
  'POST /v1/api-keys': 'administer',
  'GET /v1/api-keys/{apiKeyId}': 'administer',
  'POST /v1/api-keys/{apiKeyId}/revoke': 'administer',
  'POST /v1/api-keys/{apiKeyId}/rotate': 'administer',
  // Webhook endpoints are where the tenant's data goes, signed with a secret: the administrator's.
  'POST /v1/webhook-endpoints': 'administer',
  'PATCH /v1/webhook-endpoints/{webhookEndpointId}': 'administer',
  'DELETE /v1/webhook-endpoints/{webhookEndpointId}': 'administer',
  'GET /v1/webhook-endpoints/{webhookEndpointId}/secret': 'administer',
  'POST /v1/webhook-endpoints/{webhookEndpointId}/rotate-secret': 'administer',
  'POST /v1/webhook-endpoints/{webhookEndpointId}/test': 'administer',
  'PUT /v1/email-templates/{kind}': 'administer',
  'DELETE /v1/email-templates/{kind}': 'administer',
});

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function permissionFor(method: string, path: string): Permission {
  return ROUTE_PERMISSIONS.match(method, path)?.value ?? (READ_METHODS.has(method) ? 'read' : 'manage_billing');
}

export function rolesWith(permission: Permission): ApiKeyRole[] {
  return (Object.keys(ROLE_PERMISSIONS) as ApiKeyRole[]).filter((role) => ROLE_PERMISSIONS[role].includes(permission));
}

/** Refuses, before anything runs, a request the calling key's role does not permit: 403 `insufficient_role`. */
export function authorizeRole(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { role } = c.get('principal');
    const required = permissionFor(c.req.method, c.req.path);
    if (!ROLE_PERMISSIONS[role].includes(required)) {
      const allowed = rolesWith(required);
      throw new ApiError('insufficient_role', `A ${role} key may not ${c.req.method} ${c.req.path}; it takes a key with role ${allowed.join(' or ')}`, [
        { role, required: allowed, permission: required },
      ]);
    }
    await next();
  };
}
