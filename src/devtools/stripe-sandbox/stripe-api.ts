import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_API_VERSION } from './api-version.js';
import { assertExpandable, expand } from './expand.js';
import type { FaultInjector } from './faults.js';
import type { IdempotencyStore } from './idempotency.js';
import type { OperationContext, RequestInfo } from './operation-context.js';
import { canonicalParams, type FormParams, parseForm, readExpand } from './params.js';
import { apiKeyInvalid, apiKeyMissing, injectedInvalidRequest, rateLimited, serverError, StripeApiError } from './stripe-error.js';
import { type EncodedResponse, encodeError, newRequestId, stripeJson, toResponse } from './stripe-response.js';
import { STRIPE_ROUTES, type StripeRoute } from './stripe-routes.js';

export interface StripeApiDependencies {
  context(request: RequestInfo): OperationContext;
  idempotency: IdempotencyStore;
  faults: FaultInjector;
  /** Called after every request that executed, so the state file stays current; the answer waits for it. */
  afterMutation(): Promise<void>;
  log: (line: string) => void;
}

export type SandboxEnv = { Bindings: Partial<HttpBindings>; Variables: { stripeRequestId: string } };
type SandboxContext = Context<SandboxEnv>;

/** Stripe accepts a secret or restricted test key, as Bearer or as Basic auth's user name. */
function apiKeyOf(c: SandboxContext): string | undefined {
  const header = c.req.header('Authorization');
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  return '';
}

const authenticate: MiddlewareHandler<SandboxEnv> = async (c, next) => {
  const key = apiKeyOf(c);
  if (!key) return toResponse(encodeError(apiKeyMissing(), c.get('stripeRequestId')));
  // A live key must never be sent to a sandbox: refuse it like an unknown key.
  if (!/^(sk|rk)_test_\w+$/.test(key)) return toResponse(encodeError(apiKeyInvalid(key), c.get('stripeRequestId')));
  await next();
};

function stripeHeaders(log: (line: string) => void): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const requestId = newRequestId();
    c.set('stripeRequestId', requestId);
    await next();
    c.res.headers.set('Request-Id', requestId);
    c.res.headers.set('Stripe-Version', c.req.header('Stripe-Version') ?? SANDBOX_API_VERSION);
    const replayed = c.res.headers.get('Idempotent-Replayed') === 'true' ? ' (idempotent replay)' : '';
    log(`${c.req.method} ${c.req.path} ${c.res.status} ${requestId}${replayed}`);
  };
}

/**
 * Runs an operation and encodes its answer. Operations are synchronous, so the state change and
 * the answer are one step: a request is either executed entirely or not at all.
 */
type ExecutedResponse = EncodedResponse & { stored: boolean };

function execute(
  deps: StripeApiDependencies,
  route: StripeRoute,
  ctx: OperationContext,
  params: FormParams,
  id: string,
): ExecutedResponse {
  try {
    const paths = readExpand(params);
    assertExpandable(route.target, paths);
    const result = route.run(ctx, params, id);
    return { status: 200, body: stripeJson(expand(ctx.state, result, paths)), headers: {}, stored: true };
  } catch (error) {
    if (error instanceof StripeApiError) return { ...encodeError(error, ctx.request.id ?? ''), stored: error.stored };
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    deps.log(`sandbox bug in ${route.method} ${route.path}: ${detail}`);
    return { ...encodeError(serverError(), ctx.request.id ?? ''), stored: true };
  }
}

/**
 * Ends the exchange without an answer after the work is committed: the client cannot tell
 * whether the request happened, which is what idempotency keys exist for. Without a socket
 * (`app.request` in tests) the nearest equivalent is a retryable 500 over a committed result.
 */
function dropConnection(c: SandboxContext, requestId: string): Response {
  const socket = c.env?.incoming?.socket;
  if (socket) {
    socket.destroy();
    return new Response(null, { status: 500 });
  }
  return toResponse(encodeError(serverError(), requestId));
}

function readRoute(deps: StripeApiDependencies, route: StripeRoute) {
  return (c: SandboxContext): Response => {
    const requestId = c.get('stripeRequestId');
    const params = parseForm(new URL(c.req.url).search.slice(1));
    const ctx = deps.context({ id: requestId, idempotencyKey: null });
    return toResponse(execute(deps, route, ctx, params, c.req.param('id') ?? ''));
  };
}

function writeRoute(deps: StripeApiDependencies, route: StripeRoute) {
  return async (c: SandboxContext): Promise<Response> => {
    const requestId = c.get('stripeRequestId');
    const params = parseForm(await c.req.text());
    const fault = deps.faults.draw('POST', c.req.path);
    if (fault !== null) deps.log(`fault ${fault} on POST ${c.req.path} ${requestId}`);
    // Faults before processing: nothing executes and nothing is stored, so a retry can succeed.
    if (fault === 'rate_limit') return toResponse(encodeError(rateLimited(), requestId));
    if (fault === 'server_error') return toResponse(encodeError(serverError(), requestId));
    if (fault === 'invalid_request') return toResponse(encodeError(injectedInvalidRequest(), requestId));
    const key = c.req.header('Idempotency-Key') ?? null;
    const keyHeader: Record<string, string> = key === null ? {} : { 'Idempotency-Key': key };
    const fingerprint = { method: 'POST', path: c.req.path, params: canonicalParams(params) };
    const decision = key === null ? null : deps.idempotency.begin(key, fingerprint);
    if (decision?.kind === 'refuse') return toResponse(encodeError(decision.error, requestId), keyHeader);
    if (decision?.kind === 'replay') {
      if (fault === 'slow') await sleep(deps.faults.slowMs);
      if (fault === 'drop_after_commit') return dropConnection(c, requestId);
      return toResponse(decision.response, { ...keyHeader, 'Idempotent-Replayed': 'true' });
    }
    let outcome: ExecutedResponse | undefined;
    try {
      // A slow request holds its key meanwhile: a concurrent retry with the key gets 409.
      if (fault === 'slow') await sleep(deps.faults.slowMs);
      const ctx = deps.context({ id: requestId, idempotencyKey: key });
      outcome = execute(deps, route, ctx, params, c.req.param('id') ?? '');
    } finally {
      if (key !== null) {
        if (outcome?.stored) {
          const { status, body, headers } = outcome;
          deps.idempotency.complete({ key, fingerprint, status, body, headers });
        } else deps.idempotency.release(key);
      }
    }
    await deps.afterMutation();
    if (fault === 'drop_after_commit') return dropConnection(c, requestId);
    return toResponse(outcome, keyHeader);
  };
}

/** Stripe's API as the SDK sees it; mount under /v1. */
export function stripeApi(deps: StripeApiDependencies): Hono<SandboxEnv> {
  const api = new Hono<SandboxEnv>();
  api.use('*', stripeHeaders(deps.log));
  api.use('*', authenticate);
  for (const route of STRIPE_ROUTES) {
    if (route.method === 'GET') api.get(route.path, readRoute(deps, route));
    else api.post(route.path, writeRoute(deps, route));
  }
  return api;
}
