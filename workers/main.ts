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
import { DEVELOPMENT_URL_POLICY, STRICT_URL_POLICY } from '../src/billing/webhook-endpoints/address-policy.js';

// `npm run worker`: the production worker process. Scale out by running more of them.
const config = loadConfigOrExit(workerConfigSchema);
const prisma = createPrismaClient(config.DATABASE_URL);
const gateway = new StripeGateway(createStripeClient({ secretKey: config.STRIPE_SECRET_KEY, apiBase: config.STRIPE_API_BASE }));
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
// The scheduled jobs inspect, restart and signal subscription workflows through a client.
const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
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
  (outcomes) => console.log(summariseEnsured(outcomes)),
  (error: unknown) => console.warn(`schedules: could not be ensured (${String(error)}); run \`npm run temporal:setup\``),
);
// …and the event relay running (one per namespace; starting it again finds it).
await ensureEventRelay(client, config.TEMPORAL_TASK_QUEUE).then(
  (state) => console.log(`event relay: ${state}`),
  (error: unknown) => console.warn(`event relay: could not be started (${String(error)})`),
);
if (config.SMTP_URL === undefined) console.warn('customer emails: SMTP_URL is not set, so emails are recorded as skipped');
console.log(`worker polling task queue '${config.TEMPORAL_TASK_QUEUE}' on ${config.TEMPORAL_ADDRESS} (workflow cache: ${worker.options.maxCachedWorkflows})`);
// Worker.run() installs its own SIGINT/SIGTERM handling: it drains in-flight tasks, then resolves.
await worker.run();
await connection.close();
await clientConnection.close();
await prisma.$disconnect();
