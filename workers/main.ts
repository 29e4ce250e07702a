import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit, workerConfigSchema } from '../src/config/index.js';
import { createPrismaClient } from '../src/db/prisma-client.js';
import { createStripeClient } from '../src/payments/stripe-client.js';
import { StripeGateway } from '../src/payments/stripe-gateway.js';
import { createBillingWorker } from '../src/temporal/create-worker.js';
import { ensureSchedules, summariseEnsured } from '../src/temporal/schedules/ensure-schedules.js';
import { TemporalSubscriptionWorkflowProbe } from '../src/temporal/temporal-subscription-workflow-probe.js';
import { ensureEventRelay, TemporalOutbound } from '../src/temporal/temporal-outbound.js';
import { SmtpEmailSender } from '../src/notifications/smtp-email-sender.js';
import { configureLogging, log } from '../src/observability/logger.js';
import { startMetricsServer } from '../src/observability/metrics-server.js';
import { installTemporalRuntime } from '../src/observability/temporal-runtime.js';
import { refreshSubscriptionStatusGauge } from '../src/billing/reports/subscription-status-gauge.js';
import { startTracingFromEnvironment } from '../src/observability/tracing.js';
import { temporalClientInterceptors } from '../src/temporal/client-interceptors.js';
import { DEVELOPMENT_URL_POLICY, STRICT_URL_POLICY } from '../src/billing/webhook-endpoints/address-policy.js';

// `npm run worker`: the production worker process. Scale out by running more of them.
const config = loadConfigOrExit(workerConfigSchema);
configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, file: config.LOG_FILE, base: { service: 'worker' } });
// Before any native connection: the runtime's logs and metrics are configured once, at install.
const runtime = await installTemporalRuntime({ level: config.LOG_LEVEL, metrics: config.METRICS_PORT !== undefined });
// Off (no cost) unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector.
const tracing = startTracingFromEnvironment('durable-billing-worker');
const prisma = createPrismaClient(config.DATABASE_URL);
const gateway = new StripeGateway(createStripeClient({ secretKey: config.STRIPE_SECRET_KEY, apiBase: config.STRIPE_API_BASE }));
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
// The scheduled jobs inspect, restart and signal subscription workflows through a client.
const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, interceptors: temporalClientInterceptors() });
const probe = new TemporalSubscriptionWorkflowProbe(client, config.TEMPORAL_TASK_QUEUE);
const worker = await createBillingWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  dependencies: {
    prisma,
    gateway,
    probe,
    outbound: new TemporalOutbound(client, config.TEMPORAL_TASK_QUEUE),
    webhookUrlPolicy: config.WEBHOOK_URL_POLICY === 'development' ? DEVELOPMENT_URL_POLICY : STRICT_URL_POLICY,
    ...(config.SMTP_URL === undefined ? {} : { mailer: new SmtpEmailSender(config.SMTP_URL, config.EMAIL_FROM) }),
    publicUrl: config.PUBLIC_URL,
  },
  maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  ...(config.WORKER_MAX_CACHED_WORKFLOWS === undefined ? {} : { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }),
  memoryBudgetMb: config.WORKER_MEMORY_MB,
});
// Every worker keeps the declared schedules in place (idempotent: create missing, update changed).
await ensureSchedules(client, config.TEMPORAL_TASK_QUEUE).then(
  (outcomes) => log().info(summariseEnsured(outcomes)),
  (error: unknown) => log().warn({ err: error }, 'schedules could not be ensured; run `npm run temporal:setup`'),
);
// …and the event relay running (one per namespace; starting it again finds it).
await ensureEventRelay(client, config.TEMPORAL_TASK_QUEUE).then(
  (state) => log().info(`event relay: ${state}`),
  (error: unknown) => log().warn({ err: error }, 'event relay could not be started'),
);
if (config.SMTP_URL === undefined) log().warn('customer emails: SMTP_URL is not set, so emails are recorded as skipped');
const metrics =
  config.METRICS_PORT === undefined ? undefined : await startMetricsServer({ port: config.METRICS_PORT, ...(runtime.metricsUrl === undefined ? {} : { runtimeMetricsUrl: runtime.metricsUrl }) });
const gauge = metrics === undefined ? undefined : refreshSubscriptionStatusGauge(prisma);
if (metrics !== undefined) log().info(`metrics on ${metrics.url}`);
log().info(`worker polling task queue '${config.TEMPORAL_TASK_QUEUE}' on ${config.TEMPORAL_ADDRESS} (workflow cache: ${worker.options.maxCachedWorkflows})`);
// Worker.run() installs its own SIGINT/SIGTERM handling: it drains in-flight tasks, then resolves.
await worker.run();
gauge?.stop();
await metrics?.stop();
await connection.close();
await clientConnection.close();
await prisma.$disconnect();
await tracing?.shutdown();
