import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma-client.js';
import './provided-context.js';

export interface TestDatabase {
  name: string;
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of the test file's own: cloned from the migrated template (fast, and isolated from
 * every other file), or empty when `migrated: false` for tests of the migrations themselves.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `${inject('testDatabasePrefix')}${randomBytes(5).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : inject('templateDatabase');
  await admin((client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`),
  );
  const url = withDatabase(inject('postgresAdminUrl'), name);
  const prisma = createPrismaClient(url);
  return {
    name,
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}
