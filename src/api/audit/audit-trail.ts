import type { Context, MiddlewareHandler } from 'hono';
import { beginAuditEntry } from '../../billing/audit/begin-audit-entry.js';
import { completeAuditEntry } from '../../billing/audit/complete-audit-entry.js';
import { discardAuditEntry } from '../../billing/audit/discard-audit-entry.js';
import type { BillingDatabase } from '../../billing/db.js';
import type { ApiEnv } from '../env.js';
import { loadAuditedObject } from './audited-objects.js';
import { AUDITED_ROUTES, type AuditedRoute } from './audited-routes.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The changed object as the response shows it, when the response is that object (a subscription without its workflow's live view). */
function objectInResponse(route: AuditedRoute, body: unknown): Record<string, unknown> | null {
  const candidate = route.responseObject === undefined ? body : isRecord(body) ? body[route.responseObject] : undefined;
  if (!isRecord(candidate)) return null;
  const { live: _live, secret: _secret, ...stored } = candidate;
  return stored;
}

async function responseBody(c: Context<ApiEnv>): Promise<unknown> {
  return c.res.clone().json().catch(() => null);
}

/**
 * One audit row per API mutation that took effect, naming the key (id and name), the request id,
 * the action, the object and its before/after view (redacted). The row is written as pending
 * before the handler runs, completed after a 2xx and removed after a refusal, so a change is never
 * without its row. It runs after idempotency: a replayed answer did nothing and writes nothing.
 */
export function auditTrail(prisma: BillingDatabase): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (READ_METHODS.has(c.req.method)) return next();
    const route = AUDITED_ROUTES.match(c.req.method, c.req.path);
    if (route === undefined || route.value === null) return next();
    const spec = route.value;
    const principal = c.get('principal');
    const { tenantId } = principal;
    const knownId = spec.id === 'tenant' ? tenantId : spec.id === 'response' ? null : (route.params[spec.id.param] ?? null);
    const before = knownId === null ? null : await loadAuditedObject(prisma, spec.object, tenantId, knownId);
    const pending = await beginAuditEntry(prisma, {
      tenantId,
      actor: { type: 'api_key', apiKeyId: principal.apiKeyId, apiKeyName: principal.apiKeyName },
      requestId: c.get('requestId') ?? null,
      action: spec.action,
      objectType: spec.object,
      objectId: knownId,
      before,
    });
    let succeeded = false;
    try {
      await next();
      succeeded = c.res.status >= 200 && c.res.status < 300 && c.error === undefined;
    } finally {
      if (!succeeded) await discardAuditEntry(prisma, pending);
    }
    if (!succeeded) return;
    const shown = objectInResponse(spec, await responseBody(c));
    const objectId = knownId ?? (typeof shown?.id === 'string' ? shown.id : '');
    const after = shown !== null && shown.id === objectId ? shown : await loadAuditedObject(prisma, spec.object, tenantId, objectId);
    await completeAuditEntry(prisma, { ...pending, objectId, after });
  };
}
