import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../project-root.js';
import { freePort } from '../process/free-port.js';
import { startReaper, type Reaper } from '../process/reaper-client.js';
import { startServerProcess, type ServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';
import { childrenOf, ownCpuSecondsOf, treeCpuSeconds } from './process-cpu.js';

/**
 * `npm start` itself, as a child process on a throwaway data directory and free ports, rate limit
 * off: what the end-to-end benchmarks (starts, renewals, reads) and the chaos runs drive. It
 * parses the banner for the demo tenant and key, and finds the servers it started (PostgreSQL,
 * the Temporal dev server) among its children so CPU can be accounted per process.
 */
export interface DevStack {
  apiUrl: string;
  apiKey: string;
  tenantId: string;
  /** The stack's database, for the benchmark's own checks (never through the API). */
  db: pg.Pool;
  dataDir: string;
  sandboxUrl: string;
  temporalAddress: string;
  pids: DevStackPids;
  /** Every variable the stack was started with (to start it again on the same data). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface DevStackPids {
  /** The `npm start` node process: API, worker and Stripe sandbox. */
  node: number;
  postgres: number;
  temporal: number;
}

interface StartedProcess {
  process: ServerProcess;
  output: () => string;
}

function startStackProcess(env: Record<string, string>, reaper: Reaper, logFile: string): StartedProcess {
  const child = startServerProcess({
    name: 'npm start',
    command: process.execPath,
    args: [...(process.env.BENCH_STACK_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''), '--import', 'tsx', join(projectRoot, 'src/devtools/stack/start.ts')],
    cwd: projectRoot,
    env: { ...withoutServers(process.env), ...env },
    logFile,
    reaper,
  });
  return {
    process: child,
    output: () => readFileSync(logFile, 'utf8'),
  };
}

/** The embedded defaults are what is measured: a DATABASE_URL or TEMPORAL_ADDRESS of the caller's shell must not leak in. */
function withoutServers(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // LOG_FILE too: the stack's lines belong in its own log file (the tools read them there).
  const { DATABASE_URL: _db, TEMPORAL_ADDRESS: _temporal, STRIPE_SECRET_KEY: _key, STRIPE_WEBHOOK_SECRET: _secret, LOG_FILE: _logFile, ...rest } = env;
  return rest;
}

export async function startDevStack(say: (line: string) => void, extraEnv: Record<string, string> = {}): Promise<DevStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'durable-billing-bench-stack-'));
  await chmod(dataDir, 0o755); // PostgreSQL runs as its own user when we are root
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    STRIPE_SANDBOX_PORT: String(await freePort()),
    API_RATE_LIMIT_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const stack = await runDevStack(say, env, dataDir);
  return {
    ...stack,
    stop: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** Starts `npm start` with `env` (on an existing data directory: a restart). */
export async function runDevStack(say: (line: string) => void, env: Record<string, string>, dataDir: string): Promise<DevStack> {
  const reaper = startReaper();
  const started = startStackProcess(env, reaper, join(dataDir, `npm-start-${Date.now()}.log`));
  let db: pg.Pool | undefined;
  const stop = async (): Promise<void> => {
    await db?.end().catch(() => undefined);
    await started.process.stop(30_000).catch(() => undefined);
    reaper.close();
  };
  try {
    say(`starting npm start (data in ${dataDir})`);
    await waitFor('npm start', 180_000, started.process.exited, async () => /Demo API key\s+\S+/.test(started.output()));
    const output = started.output();
    const field = (label: string): string => new RegExp(`${label}\\s+(\\S+)`).exec(output)?.[1] ?? '';
    const node = started.process.pid;
    const children = childrenOf(node);
    const pidOf = (name: RegExp): number => children.find((c) => name.test(c.comm))?.pid ?? -1;
    db = new pg.Pool({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/billing`, max: 4 });
    // An idle connection closed by a database restart (the chaos runs do that) is not a crash.
    db.on('error', () => undefined);
    return {
      apiUrl: field('API'),
      apiKey: field('Demo API key'),
      tenantId: field('Demo tenant'),
      db,
      dataDir,
      sandboxUrl: `http://127.0.0.1:${env.STRIPE_SANDBOX_PORT}`,
      temporalAddress: `127.0.0.1:${env.TEMPORAL_DEV_PORT}`,
      pids: { node, postgres: pidOf(/^postgres/), temporal: pidOf(/^temporal/) },
      env,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- npm start output ---\n${started.process.recentOutput()}`, { cause: error });
  }
}

/** CPU seconds so far of each part of the stack (PostgreSQL with its backends). */
export function stackCpu(pids: DevStackPids): { node: number; postgres: number; temporal: number } | null {
  // The node process's own time, without its server children's.
  const node = ownCpuSecondsOf(pids.node);
  const postgres = treeCpuSeconds(pids.postgres);
  const temporal = treeCpuSeconds(pids.temporal);
  if (node === null || postgres === null || temporal === null) return null;
  return { node, postgres, temporal };
}
