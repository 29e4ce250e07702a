import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import { runDevStack, type DevStack } from '../bench/dev-stack.js';
import { freePort } from '../process/free-port.js';
import { startReaper, type Reaper } from '../process/reaper-client.js';
import { startServerProcess, type ServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../stack/embedded-postgres.js';
import { resolveTemporalBinary } from '../stack/temporal-binaries.js';
import { startTemporalDevServer, type RunningDevServer } from '../stack/temporal-dev-server.js';
import { SANDBOX_SECRET_KEY } from '../stripe-sandbox/index.js';
import type { SandboxFaults } from '../stripe-sandbox/types.js';

/**
 * The system as `npm start` runs it, taken apart so each part can be broken on its own: this
 * process runs PostgreSQL and the Temporal dev server (so it can stop and restart them on the same
 * data), `npm start` runs the API and the Stripe sandbox against them with its own worker off,
 * and the worker is a separate `npm run worker` process that can be killed with SIGKILL.
 */
export class ChaosStack {
  private worker: ServerProcess | null = null;
  private workerLog = '';
  private workerLogs = 0;

  private constructor(
    private readonly say: (line: string) => void,
    private readonly reaper: Reaper,
    readonly dataDir: string,
    private postgres: RunningPostgres,
    private temporal: RunningDevServer,
    private readonly ports: { postgres: number; temporal: number; temporalUi: number },
    readonly app: DevStack,
    private readonly workerEnv: Record<string, string>,
  ) {}

  /** `workerEnv`: extra variables for every worker process (e.g. WORKER_MAX_CACHED_WORKFLOWS). */
  static async start(say: (line: string) => void, workerEnv: Record<string, string> = {}): Promise<ChaosStack> {
    const dataDir = await mkdtemp(join(tmpdir(), 'durable-billing-chaos-'));
    await chmod(dataDir, 0o755); // PostgreSQL runs as its own user when we are root
    const reaper = startReaper();
    const ports = { postgres: await freePort(), temporal: 0, temporalUi: 0 };
    const postgres = await startPostgres(dataDir, ports.postgres, reaper);
    await postgres.ensureDatabase('billing');
    const temporal = await startTemporalOnFreePorts(dataDir, ports, reaper);
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      DATABASE_URL: postgres.urlFor('billing'),
      TEMPORAL_ADDRESS: temporal.address,
      // The benches' stack reads these to reach the same servers.
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      STRIPE_SANDBOX_PORT: String(await freePort()),
      API_RATE_LIMIT_PER_SECOND: '0',
      RUN_WORKER: 'false',
      LOG_LEVEL: 'warn',
    };
    const app = await runDevStack(say, env, dataDir);
    const stack = new ChaosStack(say, reaper, dataDir, postgres, temporal, ports, app, workerEnv);
    await stack.startWorker();
    return stack;
  }

  /** Starts the worker process and resolves once it polls (its workflow bundle built). */
  async startWorker(): Promise<void> {
    const logFile = join(this.dataDir, `worker-${++this.workerLogs}.log`);
    const worker = startServerProcess({
      name: 'worker',
      command: process.execPath,
      // e.g. STACK_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the worker (written when it stops gracefully).
      args: [...(process.env.STACK_WORKER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''), '--import', 'tsx', join(projectRoot, 'workers/main.ts')],
      cwd: projectRoot,
      env: {
        ...withoutLogFile(process.env),
        DATABASE_URL: this.postgres.urlFor('billing'),
        TEMPORAL_ADDRESS: this.temporal.address,
        STRIPE_SECRET_KEY: SANDBOX_SECRET_KEY,
        STRIPE_API_BASE: this.app.sandboxUrl,
        // A development stack: webhooks may go to a receiver on loopback (the chaos runs' own).
        WEBHOOK_URL_POLICY: 'development',
        // info: its "worker polling" line says it is ready.
        LOG_LEVEL: 'info',
        ...this.workerEnv,
      },
      logFile,
      reaper: this.reaper,
    });
    this.worker = worker;
    this.workerLog = logFile;
    await waitFor('the worker', 120_000, worker.exited, async () => readFileSync(logFile, 'utf8').includes('worker polling'));
  }

  /** SIGTERM: the worker drains and exits (a profile it was started with is written). */
  async stopWorker(): Promise<void> {
    await this.worker?.stop(60_000);
    this.worker = null;
  }

  /** SIGKILL: the worker dies with whatever activities and workflow tasks it was running. */
  async killWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    process.kill(worker.pid, 'SIGKILL');
    await worker.exited;
    this.worker = null;
  }

  /** PostgreSQL stopped (every connection closed) for `downMs`, then started again on the same data. */
  async restartPostgres(downMs: number): Promise<void> {
    await this.postgres.stop();
    this.say(`  PostgreSQL stopped for ${downMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.postgres = await startPostgres(this.dataDir, this.ports.postgres, this.reaper);
  }

  /** The Temporal dev server stopped and started again on the same SQLite file. */
  async restartTemporal(): Promise<void> {
    await this.temporal.stop();
    this.say('  Temporal dev server stopped');
    this.temporal = await startTemporal(this.dataDir, this.ports, this.reaper);
  }

  async setGatewayFaults(faults: SandboxFaults): Promise<void> {
    const response = await fetch(`${this.app.sandboxUrl}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    if (!response.ok) throw new Error(`setting sandbox faults: HTTP ${response.status}`);
  }

  /** What the current worker process has written so far. */
  workerOutput(): string {
    return this.workerLog === '' ? '' : readFileSync(this.workerLog, 'utf8');
  }

  /** The worker process's pid (null while it is down). */
  get workerPid(): number | null {
    return this.worker?.pid ?? null;
  }

  get temporalAddress(): string {
    return this.temporal.address;
  }

  async stop(): Promise<void> {
    await this.worker?.stop(15_000).catch(() => undefined);
    await this.app.stop();
    await this.temporal.stop().catch(() => undefined);
    await this.postgres.stop().catch(() => undefined);
    this.reaper.close();
    await rm(this.dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function startPostgres(dataDir: string, port: number, reaper: Reaper): Promise<RunningPostgres> {
  return startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port, reaper });
}

async function startTemporal(dataDir: string, ports: { temporal: number; temporalUi: number }, reaper: Reaper): Promise<RunningDevServer> {
  const binary = await resolveTemporalBinary('cli', { projectRoot });
  return startTemporalDevServer({
    binary,
    dataDir: join(dataDir, 'temporal'),
    port: ports.temporal,
    uiPort: ports.temporalUi,
    namespace: 'default',
    reaper,
    sqlitePragmas: ['journal_mode=wal', 'synchronous=normal'],
  });
}

/**
 * Temporal on ports nobody holds. A free port is only free when it is looked at: the dev server
 * picks its own internal ports the same way, and once took the UI's before the UI bound it
 * ("bind: address already in use"). Fresh ports, up to three times, settle that race.
 */
async function startTemporalOnFreePorts(dataDir: string, ports: { temporal: number; temporalUi: number }, reaper: Reaper): Promise<RunningDevServer> {
  for (let attempt = 1; ; attempt += 1) {
    ports.temporal = await freePort();
    ports.temporalUi = await freePort();
    try {
      return await startTemporal(dataDir, ports, reaper);
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

/** The worker's lines go to its own log file (its readiness is read there), not to a test run's LOG_FILE. */
function withoutLogFile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { LOG_FILE: _logFile, ...rest } = env;
  return rest;
}
