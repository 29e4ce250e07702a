import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabaseIfMissing, startEmbeddedPostgres, type RunningPostgres } from '../../src/devtools/stack/embedded-postgres.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { startReaper } from '../../src/devtools/process/reaper-client.js';
import { freePort } from '../../src/devtools/process/free-port.js';
import './provided-context.js';

/**
 * One PostgreSQL server for the run: the server behind DATABASE_URL when it is set (for example
 * the machine's own on 127.0.0.1:5432), otherwise a throwaway embedded server on a free port.
 * Never a developer's data: tests only touch databases this run creates, named with a prefix
 * that carries the run's pid, migrated once as a template and cloned per test file.
 */
const RUN_PREFIX = `dbt_${process.pid}_`;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function dropDatabases(adminUrl: string, predicate: (name: string) => boolean): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'dbt\\_%'");
    for (const { datname } of rows.filter((row) => predicate(row.datname))) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reaper = startReaper();
  let server: RunningPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'durable-billing-test-pg-'));
    // mkdtemp makes the folder 0700; the server may run as the `postgres` user, which must traverse it.
    await chmod(dataDir, 0o755);
    server = await startEmbeddedPostgres({ dataDir: join(dataDir, 'data'), port: await freePort(), reaper });
    adminUrl = server.urlFor('postgres');
  } else {
    // Databases left by an earlier run that crashed (its pid is gone) are dropped.
    await dropDatabases(adminUrl, (name) => !pidIsAlive(Number(name.split('_')[1])));
  }

  const template = `${RUN_PREFIX}template_${project.name}`;
  await createDatabaseIfMissing(adminUrl, template);
  await migrateDatabase(withDatabase(adminUrl, template));

  project.provide('postgresAdminUrl', adminUrl);
  project.provide('templateDatabase', template);
  project.provide('testDatabasePrefix', `${RUN_PREFIX}${project.name}_`);

  return async () => {
    if (server) {
      await server.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    } else if (adminUrl) {
      await dropDatabases(adminUrl, (name) => name.startsWith(RUN_PREFIX));
    }
    reaper.close();
  };
}
