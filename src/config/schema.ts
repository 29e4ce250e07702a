import { z } from 'zod';

/**
 * Environment variables of the production entry points (`npm run api`, `npm run worker`), parsed
 * once at start-up. Every variable here is documented in the README's configuration table and
 * wired in docker-compose.yml; a test keeps the three in agreement.
 */

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65_535, 'must be between 1 and 65535');

const postgresUrl = z
  .string()
  .trim()
  .min(1, 'is required')
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), 'must be a postgresql:// connection URL');

// host:port, as the Temporal SDK expects it (no scheme).
const hostAndPort = z
  .string()
  .trim()
  .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

const logLevel = z.enum(['debug', 'info', 'warn', 'error']);

/** How every process logs (pino): one JSON object per line unless a person reads it at a terminal. */
const loggingConfigShape = {
  LOG_LEVEL: logLevel.default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  LOG_FILE: z.string().trim().min(1).optional(),
  /** Tracing is on when this names an OTLP/HTTP collector (http://collector:4318); off, it costs nothing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().trim().refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL such as http://localhost:4318').optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
} as const;

const stripeSecretKey = z
  .string()
  .trim()
  .regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…)');

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(value), 'must be an http(s) base URL such as http://127.0.0.1:12111');

/**
 * Stripe: a real key talks to Stripe itself; STRIPE_API_BASE points the SDK at another
 * Stripe-compatible server (the bundled sandbox under `npm start` and docker compose).
 */
export const stripeConfigShape = {
  STRIPE_SECRET_KEY: stripeSecretKey,
  STRIPE_API_BASE: httpUrl.optional(),
} as const;

export const stripeWebhookConfigShape = {
  STRIPE_WEBHOOK_SECRET: z.string().trim().regex(/^whsec_\w+$/, 'must be a webhook signing secret (whsec_…)'),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
} as const;

/** Per API key, per API process (see rate-limit.ts); API_RATE_LIMIT_PER_SECOND=0 turns limiting off. */
export const rateLimitConfigShape = {
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(100_000).default(25),
  API_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(50),
} as const;

/** `off`: every entitlement check reads PostgreSQL (the benchmark's baseline); `on`: a per-process cache the writes invalidate. */
export const entitlementConfigShape = {
  ENTITLEMENT_CACHE: z.enum(['on', 'off']).default('on'),
} as const;

const smtpUrl = z
  .string()
  .trim()
  .refine((value) => /^smtps?:\/\/[^\s/]+/.test(value), 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587');

/** Customer emails: the SMTP server (unset: emails are recorded as skipped), the From address, and the base of links in them. */
export const emailConfigShape = {
  SMTP_URL: smtpUrl.optional(),
  EMAIL_FROM: z.email('must be an email address').default('billing@localhost'),
  PUBLIC_URL: httpUrl.default('http://127.0.0.1:3000'),
} as const;

/** `development`: webhook endpoints may be plain http to a loopback receiver (only `npm start` sets it by default). */
export const webhookConfigShape = {
  WEBHOOK_URL_POLICY: z.enum(['strict', 'development']).default('strict'),
} as const;

export const temporalConfigShape = {
  TEMPORAL_ADDRESS: hostAndPort.default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('billing'),
} as const;

/** The Temporal Web UI's address: the console links each subscription to its workflow there. It may sit under a path (the UI's public path behind a proxy). */
const temporalUiUrl = {
  TEMPORAL_UI_URL: z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/.test(value), 'must be an http(s) URL such as http://127.0.0.1:8233')
    .optional(),
};

export const apiConfigSchema = z.object({
  DATABASE_URL: postgresUrl,
  ...temporalConfigShape,
  ...temporalUiUrl,
  ...stripeConfigShape,
  ...stripeWebhookConfigShape,
  ...rateLimitConfigShape,
  ...entitlementConfigShape,
  ...webhookConfigShape,
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  ...loggingConfigShape,
  LOG_FORMAT: loggingConfigShape.LOG_FORMAT.default('json'),
});

export const workerConfigSchema = z.object({
  DATABASE_URL: postgresUrl,
  ...temporalConfigShape,
  ...stripeConfigShape,
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(1).max(10_000).default(100),
  /**
   * Workflows kept in the worker's memory between tasks (the sticky cache); unset, sized from
   * WORKER_MEMORY_MB (see workflowCacheForBudget). Memory per cached subscription is in the README.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** The worker's memory budget in MiB: the workflow cache is sized to stay within it. */
  WORKER_MEMORY_MB: z.coerce.number().int().min(256).max(1_000_000).default(1024),
  ...emailConfigShape,
  ...webhookConfigShape,
  /** Unset: no metrics port; set: GET /metrics there (ours and the Temporal SDK's). */
  METRICS_PORT: port.optional(),
  ...loggingConfigShape,
  LOG_FORMAT: loggingConfigShape.LOG_FORMAT.default('json'),
});

/**
 * `npm start`, the embedded development stack. DATABASE_URL and TEMPORAL_ADDRESS are optional
 * here: when absent the stack starts its own embedded PostgreSQL and Temporal dev server.
 */
export const devStackConfigSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  TEMPORAL_ADDRESS: hostAndPort.optional(),
  TEMPORAL_NAMESPACE: temporalConfigShape.TEMPORAL_NAMESPACE,
  TEMPORAL_TASK_QUEUE: temporalConfigShape.TEMPORAL_TASK_QUEUE,
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port.default(54_329),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Set with TEMPORAL_ADDRESS (an external cluster): its UI, for the console's links; unset, the embedded server's. */
  ...temporalUiUrl,
  /**
   * SQLite pragmas for the embedded Temporal dev server, comma-separated (`none` for the server's
   * own defaults). WAL with synchronous=NORMAL: a commit is durable against a crash of the process
   * (the WAL is in the OS), only a power loss may lose the last commits — measured in the README.
   */
  TEMPORAL_SQLITE_PRAGMAS: z.string().trim().default('journal_mode=wal,synchronous=normal'),
  /**
   * Dynamic config of the embedded Temporal dev server, `KEY=VALUE` comma-separated (each passed as
   * --dynamic-config-value), e.g. `matching.numTaskqueueReadPartitions=8,matching.numTaskqueueWritePartitions=8`.
   */
  TEMPORAL_DEV_DYNAMIC_CONFIG: z.string().trim().default(''),
  /** `false`: npm start runs no worker of its own (the API, sandbox and servers only); run `npm run worker` processes beside it. */
  RUN_WORKER: z.enum(['true', 'false']).default('true'),
  /** Unset: the bundled Stripe sandbox runs on STRIPE_SANDBOX_PORT; set: that Stripe account is used. */
  STRIPE_SECRET_KEY: stripeSecretKey.optional(),
  STRIPE_API_BASE: httpUrl.optional(),
  STRIPE_WEBHOOK_SECRET: stripeWebhookConfigShape.STRIPE_WEBHOOK_SECRET.optional(),
  STRIPE_SANDBOX_PORT: port.default(12_111),
  /** Unset: a local mail catcher receives every email (SMTP on MAIL_CATCHER_SMTP_PORT, shown on MAIL_CATCHER_WEB_PORT). */
  SMTP_URL: emailConfigShape.SMTP_URL,
  EMAIL_FROM: emailConfigShape.EMAIL_FROM,
  PUBLIC_URL: httpUrl.optional(),
  MAIL_CATCHER_SMTP_PORT: port.default(1025),
  MAIL_CATCHER_WEB_PORT: port.default(8025),
  WEBHOOK_URL_POLICY: z.enum(['strict', 'development']).default('development'),
  ...rateLimitConfigShape,
  ...entitlementConfigShape,
  /** Unset: the worker's metrics are in the API's /metrics (one process); set: also on this port. */
  METRICS_PORT: port.optional(),
  /** Unset: pretty when standard output is a terminal, JSON otherwise. */
  ...loggingConfigShape,
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type WorkerConfig = z.infer<typeof workerConfigSchema>;
export type DevStackConfig = z.infer<typeof devStackConfigSchema>;
