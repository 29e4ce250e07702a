import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '../../db/migrate.js';
import { createPrismaClient, type PrismaClient } from '../../db/prisma-client.js';
import { projectRoot } from '../../project-root.js';
import { freePort } from '../process/free-port.js';
import { startReaper, type Reaper } from '../process/reaper-client.js';
import { startServerProcess, type ServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../stack/embedded-postgres.js';

/**
 * What a benchmark runs against: the embedded PostgreSQL `npm start` uses (in a throwaway data
 * directory), migrated, and the production API process (`src/api/main.ts`, rate limit off) as a
 * child process of its own, so the load generator and the server do not share an event loop.
 */
export interface BenchStack {
  databaseUrl: string;
  apiUrl: string;
  prisma: PrismaClient;
  /** The processes whose CPU the benchmarks account for. */
  apiPid: number;
  postgresPid: number;
  /** Postgres output and the API's log. */
  logDir: string;
  stop(): Promise<void>;
}

export async function startBenchStack(say: (line: string) => void): Promise<BenchStack> {
  const reaper: Reaper = startReaper();
  const dir = await mkdtemp(join(tmpdir(), 'durable-billing-bench-'));
  await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
  let postgres: RunningPostgres | undefined;
  let api: ServerProcess | undefined;
  let prisma: PrismaClient | undefined;
  const stop = async (): Promise<void> => {
    await api?.stop().catch(() => undefined);
    await prisma?.$disconnect().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    reaper.close();
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    const pgPort = await freePort();
    say(`starting embedded PostgreSQL on 127.0.0.1:${pgPort}`);
    postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, reaper, logFile: join(dir, 'postgres.log') });
    await postgres.ensureDatabase('billing');
    const databaseUrl = postgres.urlFor('billing');
    await migrateDatabase(databaseUrl);
    prisma = createPrismaClient(databaseUrl);

    const port = await freePort();
    say(`starting the API process on 127.0.0.1:${port}`);
    const started = startServerProcess({
      name: 'API',
      command: process.execPath,
      // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the API under load.
      args: [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''), '--import', 'tsx', join(projectRoot, 'src/api/main.ts')],
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        API_RATE_LIMIT_PER_SECOND: '0',
        // Ingestion touches neither: the API connects to Temporal lazily and Stripe never.
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        STRIPE_SECRET_KEY: 'sk_test_bench',
        STRIPE_API_BASE: 'http://127.0.0.1:1',
        STRIPE_WEBHOOK_SECRET: 'whsec_bench',
      },
      logFile: join(dir, 'api.log'),
      reaper,
    });
    api = started;
    const apiUrl = `http://127.0.0.1:${port}`;
    await waitFor('the API', 60_000, started.exited, async () => (await fetch(`${apiUrl}/health`)).ok);
    return { databaseUrl, apiUrl, prisma, apiPid: started.pid, postgresPid: postgres.pid, logDir: dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
