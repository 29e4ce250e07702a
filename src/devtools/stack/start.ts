import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { configureLogging, log } from '../../observability/logger.js';
import { installTemporalRuntime } from '../../observability/temporal-runtime.js';
import { startMetricsServer } from '../../observability/metrics-server.js';
import { startTracingFromEnvironment } from '../../observability/tracing.js';
import { temporalClientInterceptors } from '../../temporal/client-interceptors.js';
import { devStackConfigSchema, loadConfigOrExit } from '../../config/index.js';
import { startApiServer, type RunningApiServer } from '../../api/server.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { migrateDatabase } from '../../db/migrate.js';
import { createPrismaClient, type PrismaClient } from '../../db/prisma-client.js';
import { startReaper } from '../process/reaper-client.js';
import { waitFor } from '../process/wait-for.js';
import { projectRoot } from '../../project-root.js';
import { resolveTemporalBinary } from './temporal-binaries.js';
import { createBillingWorker } from '../../temporal/create-worker.js';
import { startTemporalDevServer, type RunningDevServer } from './temporal-dev-server.js';
import { registerSearchAttributes } from '../../temporal/register-search-attributes.js';
import { ensureSchedules, summariseEnsured } from '../../temporal/schedules/ensure-schedules.js';
import { TemporalSubscriptionWorkflowProbe } from '../../temporal/temporal-subscription-workflow-probe.js';
import { createStripeClient } from '../../payments/stripe-client.js';
import { StripeGateway } from '../../payments/stripe-gateway.js';
import { ensureDemoTenant } from './demo-tenant.js';
import { startPayments } from './payments.js';
import { startMailCatcher } from '../mail-catcher/mail-catcher.js';
import { SmtpEmailSender } from '../../notifications/smtp-email-sender.js';
import { ensureEventRelay, TemporalOutbound } from '../../temporal/temporal-outbound.js';
import { DEVELOPMENT_URL_POLICY, STRICT_URL_POLICY } from '../../billing/webhook-endpoints/address-policy.js';

/**
 * `npm start`: the whole system in one process tree on embedded defaults — PostgreSQL, migrations,
 * the Temporal dev server with its Web UI, the worker and the API. DATABASE_URL and
 * TEMPORAL_ADDRESS switch to existing servers. Ctrl-C or SIGTERM stops everything; a detached
 * reaper stops the servers even if this process is killed outright.
 */
const config = loadConfigOrExit(devStackConfigSchema);
const dataDir = resolve(projectRoot, config.DATA_DIR);
// Pretty for a person at a terminal, JSON lines when the output is read by a program (or a file).
configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'), file: config.LOG_FILE, base: { service: 'start' } });
const say = (line: string): void => log().info(line);

// This process handles signals itself, so the worker must not install the runtime's handlers.
const runtime = await installTemporalRuntime({ level: config.LOG_LEVEL, metrics: true, shutdownSignals: [] });

const reaper = startReaper();
const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
// Off (no cost) unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector.
const tracing = startTracingFromEnvironment('durable-billing');
if (tracing !== undefined) stops.push({ name: 'tracing', stop: () => tracing.shutdown() });
let shuttingDown = false;

async function shutdown(exitCode: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    say('stopping…');
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((error: unknown) => log().error({ err: error }, `stopping ${name} failed`));
    }
    reaper.close();
    say('stopped');
  }
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (shuttingDown) process.exit(130); // a second Ctrl-C: the reaper finishes the job
    void shutdown(0);
  });
}

try {
  await mkdir(dataDir, { recursive: true });

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    say(`starting embedded PostgreSQL on 127.0.0.1:${config.EMBEDDED_POSTGRES_PORT} (data in ${join(dataDir, 'postgres')})`);
    const postgres: RunningPostgres = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: config.EMBEDDED_POSTGRES_PORT,
      reaper,
    });
    stops.push({ name: 'PostgreSQL', stop: () => postgres.stop() });
    await postgres.ensureDatabase('billing');
    databaseUrl = postgres.urlFor('billing');
  }
  const migration = await migrateDatabase(databaseUrl);
  say(migration.tool === 'prisma' ? 'migrations applied (prisma migrate deploy)' : `migrations applied (${migration.applied.length} new)`);

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUiUrl: string | undefined = config.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const binary = await resolveTemporalBinary('cli', { projectRoot });
    say(`starting the Temporal dev server on 127.0.0.1:${config.TEMPORAL_DEV_PORT} (${binary.kind === 'path' ? binary.path : 'SDK download'})`);
    const devServer: RunningDevServer = await startTemporalDevServer({
      binary,
      dataDir: join(dataDir, 'temporal'),
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      reaper,
      sqlitePragmas: config.TEMPORAL_SQLITE_PRAGMAS === 'none' ? [] : config.TEMPORAL_SQLITE_PRAGMAS.split(',').map((pragma) => pragma.trim()).filter((pragma) => pragma !== ''),
      dynamicConfig: config.TEMPORAL_DEV_DYNAMIC_CONFIG.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''),
    });
    stops.push({ name: 'Temporal', stop: () => devServer.stop() });
    temporalAddress = devServer.address;
    temporalUiUrl = devServer.uiUrl;
  }

  const clientConnection = await Connection.connect({ address: temporalAddress });
  stops.push({ name: 'Temporal client', stop: () => clientConnection.close() });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, interceptors: temporalClientInterceptors() });
  const registered = await registerSearchAttributes(clientConnection, config.TEMPORAL_NAMESPACE).catch((error: unknown) => {
    say(`warning: could not register search attributes (${String(error)}); register them with your cluster's tooling`);
    return [];
  });
  if (registered.length > 0) say(`registered search attributes: ${registered.join(', ')}`);
  say(summariseEnsured(await ensureSchedules(client, config.TEMPORAL_TASK_QUEUE)));
  say(`event relay: ${await ensureEventRelay(client, config.TEMPORAL_TASK_QUEUE)}`);

  const payments = await startPayments(config, dataDir);
  if (payments.stop) stops.push({ name: 'Stripe sandbox', stop: payments.stop });
  const gateway = new StripeGateway(createStripeClient({ secretKey: payments.secretKey, apiBase: payments.apiBase }));

  let smtpUrl = config.SMTP_URL;
  let mailDescription = `SMTP ${config.SMTP_URL ?? ''}`;
  if (smtpUrl === undefined) {
    // A port already taken (another stack, a MailHog) is not worth failing for: any free one will do.
    const catcher = await startMailCatcher({ host: '127.0.0.1', smtpPort: config.MAIL_CATCHER_SMTP_PORT, webPort: config.MAIL_CATCHER_WEB_PORT }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      say(`mail catcher ports ${config.MAIL_CATCHER_SMTP_PORT}/${config.MAIL_CATCHER_WEB_PORT} are taken; using free ones`);
      return startMailCatcher({ host: '127.0.0.1' });
    });
    stops.push({ name: 'mail catcher', stop: () => catcher.stop() });
    smtpUrl = catcher.smtpUrl;
    mailDescription = `${catcher.webUrl}   (every customer email, caught locally; SMTP ${catcher.smtpUrl})`;
  }
  const mailer = new SmtpEmailSender(smtpUrl, config.EMAIL_FROM);
  stops.push({ name: 'mailer', stop: async () => mailer.close() });
  const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  const webhookUrlPolicy = config.WEBHOOK_URL_POLICY === 'development' ? DEVELOPMENT_URL_POLICY : STRICT_URL_POLICY;

  const prisma: PrismaClient = createPrismaClient(databaseUrl);
  stops.push({ name: 'Prisma', stop: () => prisma.$disconnect() });
  const demo = await ensureDemoTenant(prisma, dataDir);
  let workerMetricsUrl: string | undefined;
  if (config.METRICS_PORT !== undefined) {
    const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST, ...(runtime.metricsUrl === undefined ? {} : { runtimeMetricsUrl: runtime.metricsUrl }) });
    stops.push({ name: 'metrics server', stop: () => metrics.stop() });
    workerMetricsUrl = metrics.url;
  }

  if (config.RUN_WORKER === 'true') {
    const workerConnection = await NativeConnection.connect({ address: temporalAddress });
    stops.push({ name: 'worker connection', stop: () => workerConnection.close() });
    const worker: Worker = await createBillingWorker({
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      dependencies: {
        prisma,
        gateway,
        probe: new TemporalSubscriptionWorkflowProbe(client, config.TEMPORAL_TASK_QUEUE),
        outbound: new TemporalOutbound(client, config.TEMPORAL_TASK_QUEUE),
        webhookUrlPolicy,
        mailer,
        publicUrl,
      },
    });
    const workerRun = worker.run();
    stops.push({
      name: 'worker',
      stop: async () => {
        worker.shutdown();
        await workerRun;
      },
    });
    workerRun.catch((error: unknown) => {
      log().error({ err: error }, 'the worker failed');
      void shutdown(1);
    });
  } else {
    say(`no worker in this process (RUN_WORKER=false): run \`npm run worker\` against ${temporalAddress}, task queue ${config.TEMPORAL_TASK_QUEUE}`);
  }

  const api: RunningApiServer = await startApiServer({
    databaseUrl,
    temporalAddress,
    temporalNamespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(temporalUiUrl === undefined ? {} : { temporalUiUrl }),
    rateLimit: { requestsPerSecond: config.API_RATE_LIMIT_PER_SECOND, burst: config.API_RATE_LIMIT_BURST },
    entitlementCache: config.ENTITLEMENT_CACHE === 'on',
    webhookUrlPolicy: config.WEBHOOK_URL_POLICY,
    ...(runtime.metricsUrl === undefined ? {} : { runtimeMetricsUrl: runtime.metricsUrl }),
    host: config.HOST,
    port: config.PORT,
    stripe: {
      secretKey: payments.secretKey,
      apiBase: payments.apiBase,
      webhookSecret: payments.webhookSecret,
      webhookToleranceSeconds: 300,
    },
  });
  stops.push({ name: 'API', stop: () => api.stop() });
  await waitFor('the API', 30_000, undefined, async () => (await fetch(`${api.url}/health/ready`)).ok);
  payments.resumeWebhooks?.();

  console.log(
    [
      '',
      'durable-billing is running',
      `  API            ${api.url}   (try: curl ${api.url}/health/ready)`,
      `  API docs       ${api.url}/docs   (OpenAPI: ${api.url}/openapi.json)`,
      `  Console        ${api.url}/console   (sign in with the demo API key)`,
      `  Temporal UI    ${temporalUiUrl ?? "your Temporal cluster's UI (set TEMPORAL_UI_URL to link the console to it)"}`,
      `  Temporal       ${temporalAddress}  namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}`,
      `  Stripe         ${payments.description}`,
      `  Mail           ${mailDescription}`,
      `  Metrics        ${api.url}/metrics${workerMetricsUrl === undefined ? '' : ` and ${workerMetricsUrl}`}   (Prometheus text)`,
      `  Webhooks       ${config.WEBHOOK_URL_POLICY === 'development' ? 'https, or plain http to a receiver on 127.0.0.1 (development)' : 'public https only'}`,
      `  Demo tenant    ${demo.tenantId}`,
      `  Demo API key   ${demo.apiKey}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
} catch (error) {
  log().error(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
