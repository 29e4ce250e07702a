import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';

/** Errors a read can never give: it changes nothing, so there is no role, state or rule to break, and no body. */
const WRITE_ONLY_ERRORS = ['403', '409', '413', '422'];

/** `GET /v1/customers/{customerId}/payment-methods` → `getCustomersPaymentMethods` style ids, stable and unique. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((part) => part !== '' && part !== 'v1')
    .map((part) => (part.startsWith('{') ? `by-${part.slice(1, -1)}` : part))
    .join('-')
    .split(/[-_]/)
    .filter((word) => word !== '');
  return [method.toLowerCase(), ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join('');
}

/**
 * Conventions applied to every documented route once all are registered: an operationId for code
 * generators, and GET operations without the write-only errors the shared error table lists.
 */
export function applyOpenApiConventions<E extends Env>(app: OpenAPIHono<E>): void {
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const route = definition.route;
    route.operationId ??= operationIdFor(route.method, route.path);
    if (route.method === 'get') for (const status of WRITE_ONLY_ERRORS) delete (route.responses as Record<string, unknown>)[status];
  }
}
