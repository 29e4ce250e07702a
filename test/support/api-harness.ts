import type { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll } from 'vitest';
import { EntitlementCache } from '../../src/billing/entitlements/entitlement-cache.js';
import { ENTITLEMENT_CHANNEL } from '../../src/billing/entitlements/entitlement-changes.js';
import { API_KEY_CHANNEL, ApiKeyCache } from '../../src/tenancy/api-key-cache.js';
import { listenForNotifications, type NotificationListener } from '../../src/db/notification-listener.js';
import { createApp } from '../../src/api/app.js';
import type { ConsoleOptions } from '../../src/api/console/console-routes.js';
import type { ApiEnv } from '../../src/api/env.js';
import type { RateLimitOptions } from '../../src/api/rate-limit.js';
import { TemporalSubscriptionWorkflows } from '../../src/temporal/temporal-subscription-workflows.js';
import { createTenantWithKey } from '../../src/tenancy/tenants.js';
import { DEVELOPMENT_URL_POLICY } from '../../src/billing/webhook-endpoints/address-policy.js';
import { issueApiKey } from '../../src/tenancy/api-keys.js';
import { useSubscriptionHarness, type SubscriptionHarness } from './subscription-harness.js';
import { recordSecretsIn, recordTestSecret } from './log-audit.js';
import type { Client } from '@temporalio/client';

export interface ApiTenant {
  tenantId: string;
  /** An admin key. */
  key: string;
  /** A read_only key of the same tenant. */
  readOnlyKey: string;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (not JSON-encoded) when a string. */
  rawBody?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/**
 * The real API app over the real parts: the subscription harness's Postgres, time-skipping
 * Temporal server (its clock is the API's billing clock), Stripe sandbox and worker. Requests go
 * through `app.request`, the same code path as HTTP without a socket.
 */
export class ApiHarness {
  readonly app: OpenAPIHono<ApiEnv>;
  /** The entitlement cache, live through a real LISTEN on the test database, as the API server wires it. */
  readonly entitlements = new EntitlementCache();
  /** Authenticated keys, on the same listener. */
  readonly apiKeys = new ApiKeyCache();
  readonly listener: NotificationListener;
  private tenantCount = 0;

  constructor(
    readonly h: SubscriptionHarness,
    rateLimit: RateLimitOptions = { requestsPerSecond: 0, burst: 1 },
  ) {
    this.listener = listenForNotifications(h.db.prisma, {
      channels: { [ENTITLEMENT_CHANNEL]: (payload) => this.entitlements.onNotification(payload), [API_KEY_CHANNEL]: (payload) => this.apiKeys.onNotification(payload) },
      onLiveChange: (live) => {
        this.entitlements.setLive(live);
        this.apiKeys.setLive(live);
      },
    });
    this.app = this.appWith(h.env.client, rateLimit);
  }

  /** The same app, reaching the workflows through `client` (one with interceptors, say); `console`: the console's links out. */
  appWith(client: Client, rateLimit: RateLimitOptions = { requestsPerSecond: 0, burst: 1 }, console?: ConsoleOptions): OpenAPIHono<ApiEnv> {
    const h = this.h;
    return createApp({
      readinessChecks: [],
      ...(console === undefined ? {} : { console }),
      billing: {
        prisma: h.db.prisma,
        workflows: new TemporalSubscriptionWorkflows(client, h.taskQueue),
        gateway: h.stripe.gateway,
        now: () => h.env.currentTimeMs(),
        rateLimit,
        entitlements: this.entitlements,
        apiKeys: this.apiKeys,
        webhooks: { urlPolicy: DEVELOPMENT_URL_POLICY, runner: h.outbound },
      },
    });
  }

  async tenant(): Promise<ApiTenant> {
    this.tenantCount += 1;
    const slug = `api-${Date.now()}-${this.tenantCount}-${Math.random().toString(36).slice(2, 8)}`;
    const created = await createTenantWithKey(this.h.db.prisma, { name: slug, slug });
    const readOnly = await issueApiKey(this.h.db.prisma, { tenantId: created.tenant.id, name: 'read', role: 'read_only' });
    recordTestSecret(created.apiKey.secret);
    recordTestSecret(readOnly.secret);
    return { tenantId: created.tenant.id, key: created.apiKey.secret, readOnlyKey: readOnly.secret };
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== null && options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    recordSecretsIn(options.body);
    const response = await this.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON (the Swagger UI page)
    }
    recordSecretsIn(parsed);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

/** One ApiHarness per test file, on the file's subscription harness (with a worker). */
export function useApiHarness(ready: (api: ApiHarness, year: number) => void, rateLimit?: RateLimitOptions): void {
  let harness: ApiHarness | undefined;
  useSubscriptionHarness((h, year) => {
    harness = new ApiHarness(h, rateLimit);
    ready(harness, year);
  });
  afterAll(async () => {
    await harness?.listener.stop();
  });
}
