import { randomBytes } from 'node:crypto';
import { paymentCorrections } from '../../billing/invoices/record-payment-correction.js';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { freePort } from '../process/free-port.js';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Connection, type Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pg from 'pg';
import type Stripe from 'stripe';
import { createActivities } from '../../../activities/index.js';
import { createApp } from '../../api/app.js';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../stack/embedded-postgres.js';
import { migrateDatabase } from '../../db/migrate.js';
import { createPrismaClient, type PrismaClient } from '../../db/prisma-client.js';
import { createStripeClient } from '../../payments/stripe-client.js';
import { StripeGateway } from '../../payments/stripe-gateway.js';
import { createStripeSandbox, SANDBOX_SECRET_KEY, type RunningStripeSandbox, type StripeSandbox } from '../stripe-sandbox/index.js';
import { StripeWebhookProcessor } from '../../payments/webhooks/stripe-webhook-processor.js';
import type { Reaper } from '../process/reaper-client.js';
import { startServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';
import { projectRoot } from '../../project-root.js';
import { resolveTemporalBinary } from '../stack/temporal-binaries.js';
import { PaymentEventSignalSink } from '../../temporal/payment-event-signal-sink.js';
import { registerSearchAttributes } from '../../temporal/register-search-attributes.js';

/**
 * The parts a scenario runs on, each started and stopped here: the time-skipping test server, a
 * throwaway PostgreSQL database, the Stripe sandbox with its webhooks delivered over HTTP to an
 * in-process API app, and a worker with the real activities on the real workflow bundle.
 */

export type Log = (line: string) => void;


// ── Temporal ────────────────────────────────────────────────────────────────────────────────────

type CreateEnvironment = (options: { server: { type: 'existing' }; supportsTimeSkipping: boolean; address: string; namespace: string }) => Promise<TestWorkflowEnvironment>;

/**
 * A time-skipping environment on a test server that is already running. The SDK's public
 * `createFromExistingServer` turns time skipping off; its internal `create` keeps it (SDK pinned
 * at 1.24; test/support/time-skipping.ts does the same).
 */
export async function connectTimeSkipping(address: string): Promise<TestWorkflowEnvironment> {
  const create = (TestWorkflowEnvironment as unknown as { create: CreateEnvironment }).create.bind(TestWorkflowEnvironment);
  return create({ server: { type: 'existing' }, supportsTimeSkipping: true, address, namespace: 'default' });
}

export interface RunningTemporal {
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

/** Starts the time-skipping test server (the project's binary, registered with the reaper) and connects to it. */
export async function startTimeSkippingServer(reaper: Reaper, log: Log): Promise<RunningTemporal> {
  const binary = await resolveTemporalBinary('test-server', { projectRoot });
  if (binary.kind === 'sdk-download') {
    log('time-skipping test server: using the SDK download');
    const env = await TestWorkflowEnvironment.createTimeSkipping();
    await registerSearchAttributes(env.connection, 'default');
    return { env, stop: () => env.teardown() };
  }
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const server = startServerProcess({
    name: 'temporal-test-server',
    command: binary.path,
    args: [String(port)],
    logFile: join(tmpdir(), `durable-billing-simulator-test-server-${process.pid}.log`),
    reaper,
  });
  try {
    await waitFor(`the time-skipping test server on ${address}`, 30_000, server.exited, async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.close();
      return true;
    });
    const env = await connectTimeSkipping(address);
    // The subscription workflow upserts the project's search attributes; the server must know them.
    await registerSearchAttributes(env.connection, 'default');
    log(`time-skipping test server on ${address}`);
    return {
      env,
      async stop() {
        await env.teardown();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

// ── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────

export interface SimulatorDatabase {
  url: string;
  prisma: PrismaClient;
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(adminUrl: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

export interface DatabaseOptions {
  /** A server to create a fresh database on (dropped afterwards); otherwise an embedded throwaway server. */
  adminUrl?: string | undefined;
  /** Clone this already-migrated database instead of migrating (only with `adminUrl`). */
  template?: string | undefined;
}

/** A fresh, migrated database that exists only for this run. */
export async function createSimulatorDatabase(options: DatabaseOptions, reaper: () => Reaper, log: Log): Promise<SimulatorDatabase> {
  if (options.adminUrl) {
    const adminUrl = options.adminUrl;
    const name = `sim_${process.pid}_${randomBytes(5).toString('hex')}`;
    await adminQuery(adminUrl, (client) =>
      client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${options.template ? ` TEMPLATE ${client.escapeIdentifier(options.template)}` : ''}`),
    );
    const url = withDatabase(adminUrl, name);
    const drop = () => adminQuery(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
    try {
      if (!options.template) await migrateDatabase(url);
    } catch (error) {
      await drop().catch(() => undefined);
      throw error;
    }
    const prisma = createPrismaClient(url);
    log(`database ${name} on ${new URL(adminUrl).host}`);
    return {
      url,
      prisma,
      async close() {
        await prisma.$disconnect();
        await drop();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'durable-billing-simulator-pg-'));
  // mkdtemp makes the folder 0700; the server may run as the `postgres` user, which must traverse it.
  await chmod(dir, 0o755);
  try {
    const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), reaper: reaper() });
    try {
      await createDatabaseIfMissing(server.urlFor('postgres'), 'simulator');
      const url = server.urlFor('simulator');
      await migrateDatabase(url);
      const prisma = createPrismaClient(url);
      log(`embedded PostgreSQL on port ${server.port}`);
      return {
        url,
        prisma,
        async close() {
          await prisma.$disconnect().catch(() => undefined);
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

// ── Payments: the Stripe sandbox, its webhooks → the API app → the workflow ─────────────────────

export interface RunningPayments {
  sandbox: StripeSandbox;
  stripe: Stripe;
  gateway: StripeGateway;
  /** Resolves when every webhook queued so far has been delivered (and so signalled). */
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}

const WEBHOOK_SECRET = 'whsec_scenario_simulator';

async function listen(app: { fetch: (request: Request) => Response | Promise<Response> }): Promise<{ url: string; close(): Promise<void> }> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The in-process Stripe sandbox, and the production webhook path: the sandbox signs and POSTs
 * its events to an in-process API app, whose webhook processor verifies, deduplicates, records
 * and signals the subscription workflow, exactly as in production.
 */
export async function startPayments(prisma: PrismaClient, temporal: Client, log: Log, seed: number): Promise<RunningPayments> {
  // Request lines are noise here; webhook delivery problems are worth showing.
  const sandbox = createStripeSandbox({ seed, log: (line) => (line.startsWith('webhook') ? log(`stripe sandbox: ${line}`) : undefined) });
  const running: RunningStripeSandbox = await sandbox.listen(0);
  const stripe = createStripeClient({ secretKey: SANDBOX_SECRET_KEY, apiBase: running.url, maxNetworkRetries: 0, timeoutMs: 10_000 });
  const gateway = new StripeGateway(stripe);
  try {
    const processor = new StripeWebhookProcessor({
      prisma,
      stripe,
      gateway,
      signingSecret: WEBHOOK_SECRET,
      corrections: paymentCorrections,
      sink: new PaymentEventSignalSink(temporal, (line) => log(line)),
    });
    const api = await listen(createApp({ readinessChecks: [], stripeWebhooks: processor }));
    sandbox.configureWebhooks({ url: `${api.url}/v1/webhooks/stripe`, secret: WEBHOOK_SECRET });
    log(`stripe sandbox on ${running.url}, webhooks to ${api.url}/v1/webhooks/stripe`);
    return {
      sandbox,
      stripe,
      gateway,
      flushWebhooks: () => sandbox.flushWebhooks(),
      async close() {
        sandbox.configureWebhooks(null);
        await sandbox.flushWebhooks().catch(() => undefined);
        await api.close();
        await running.close();
      },
    };
  } catch (error) {
    await running.close();
    throw error;
  }
}

// ── Worker ──────────────────────────────────────────────────────────────────────────────────────

// workflows/index.ts under tsx, workflows/index.js in a build: the same extension as this file.
const workflowsPath = fileURLToPath(new URL(`../../../workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export interface RunningWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/** A worker with the real activities on the real workflow bundle (bundled once per process). */
export async function startWorker(env: TestWorkflowEnvironment, prisma: PrismaClient, gateway: StripeGateway): Promise<RunningWorker> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: silent });
  const workflowBundle = await bundle.catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  const taskQueue = `simulator-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    activities: createActivities({ prisma, gateway }),
  });
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
