import { serve, type ServerType } from '@hono/node-server';
import { paymentCorrections } from '../billing/invoices/record-payment-correction.js';
import { Client, Connection } from '@temporalio/client';
import { EntitlementCache } from '../billing/entitlements/entitlement-cache.js';
import { ENTITLEMENT_CHANNEL } from '../billing/entitlements/entitlement-changes.js';
import { listenForNotifications } from '../db/notification-listener.js';
import { API_KEY_CHANNEL, ApiKeyCache } from '../tenancy/api-key-cache.js';
import { createPrismaClient } from '../db/prisma-client.js';
import { createStripeClient } from '../payments/stripe-client.js';
import { StripeGateway } from '../payments/stripe-gateway.js';
import { StripeWebhookProcessor } from '../payments/webhooks/stripe-webhook-processor.js';
import { PaymentEventSignalSink } from '../temporal/payment-event-signal-sink.js';
import { TemporalSubscriptionWorkflows } from '../temporal/temporal-subscription-workflows.js';
import { TemporalOutbound } from '../temporal/temporal-outbound.js';
import { DEVELOPMENT_URL_POLICY, STRICT_URL_POLICY } from '../billing/webhook-endpoints/address-policy.js';
import { createApp } from './app.js';
import type { RateLimitOptions } from './rate-limit.js';
import { databaseReadiness, temporalReadiness } from './readiness.js';
import { refreshSubscriptionStatusGauge } from '../billing/reports/subscription-status-gauge.js';
import { temporalClientInterceptors } from '../temporal/client-interceptors.js';
import { subscriptionWorkflowId } from '../temporal/workflow-ids.js';

export interface ApiServerOptions {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Where subscription workflows are started (the worker's TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  rateLimit?: RateLimitOptions;
  /** false: entitlement checks read PostgreSQL every time (default true: the cache, invalidated by LISTEN/NOTIFY). */
  entitlementCache?: boolean;
  /** `development`: webhook endpoints may be plain http to loopback (`npm start`); strict otherwise. */
  webhookUrlPolicy?: 'strict' | 'development';
  /** The Temporal Web UI (e.g. http://127.0.0.1:8233): the console links each subscription to its workflow there. */
  temporalUiUrl?: string;
  /** The Temporal runtime's metrics endpoint in this process (npm start runs the worker here too). */
  runtimeMetricsUrl?: string;
  host: string;
  port: number;
  stripe: {
    secretKey: string;
    apiBase?: string | undefined;
    webhookSecret: string;
    webhookToleranceSeconds: number;
  };
}

export interface RunningApiServer {
  url: string;
  stop(): Promise<void>;
}

/** A subscription's workflow page in the Temporal Web UI. */
export function temporalWorkflowUrl(uiUrl: string, namespace: string): (subscriptionId: string) => string {
  const base = uiUrl.replace(/\/+$/, '');
  return (subscriptionId) => `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(subscriptionWorkflowId(subscriptionId))}`;
}

/** Starts the API over HTTP. Temporal is connected lazily so the API can report it as down rather than refuse to start. */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const prisma = createPrismaClient(options.databaseUrl);
  const connection = Connection.lazy({ address: options.temporalAddress });
  const temporal = new Client({ connection, namespace: options.temporalNamespace, interceptors: temporalClientInterceptors() });
  const stripe = createStripeClient({ secretKey: options.stripe.secretKey, apiBase: options.stripe.apiBase });
  const gateway = new StripeGateway(stripe);
  const stripeWebhooks = new StripeWebhookProcessor({
    prisma,
    stripe,
    gateway,
    signingSecret: options.stripe.webhookSecret,
    toleranceSeconds: options.stripe.webhookToleranceSeconds,
    corrections: paymentCorrections,
    sink: new PaymentEventSignalSink(temporal),
  });
  // Both caches live on one listening connection; either is used only while it is live.
  const entitlements = new EntitlementCache();
  const apiKeys = new ApiKeyCache();
  const listener = listenForNotifications(prisma, {
    channels: {
      ...(options.entitlementCache === false ? {} : { [ENTITLEMENT_CHANNEL]: (payload: string) => entitlements.onNotification(payload) }),
      [API_KEY_CHANNEL]: (payload: string) => apiKeys.onNotification(payload),
    },
    onLiveChange: (live) => {
      if (options.entitlementCache !== false) entitlements.setLive(live);
      apiKeys.setLive(live);
    },
  });
  const gauge = refreshSubscriptionStatusGauge(prisma);
  const app = createApp({
    ...(options.runtimeMetricsUrl === undefined ? {} : { runtimeMetricsUrl: options.runtimeMetricsUrl }),
    readinessChecks: [databaseReadiness(prisma), temporalReadiness(connection)],
    stripeWebhooks,
    ...(options.temporalUiUrl === undefined ? {} : { console: { workflowUrl: temporalWorkflowUrl(options.temporalUiUrl, options.temporalNamespace) } }),
    billing: {
      prisma,
      workflows: new TemporalSubscriptionWorkflows(temporal, options.taskQueue),
      gateway,
      entitlements,
      apiKeys,
      webhooks: { urlPolicy: options.webhookUrlPolicy === 'development' ? DEVELOPMENT_URL_POLICY : STRICT_URL_POLICY, runner: new TemporalOutbound(temporal, options.taskQueue) },
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    },
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(s));
    s.once('error', reject);
  });
  const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost}:${options.port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      gauge.stop();
      await listener.stop();
      await connection.close();
      await prisma.$disconnect();
    },
  };
}
