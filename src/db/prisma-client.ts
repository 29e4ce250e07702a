import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient } from '../generated/prisma/client.js';

const pools = new WeakMap<PrismaClient, pg.Pool>();
const connected = new WeakMap<PrismaClient, Promise<void>>();

/**
 * One client per process, injected where needed; never one per request. Its connections come
 * from one pg pool, which the few hot paths that skip Prisma's query layer share (`sqlPool`), so a
 * process never holds more connections than the pool allows.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/** The pg pool under a client made by createPrismaClient. */
export function sqlPool(prisma: PrismaClient): pg.Pool {
  const pool = pools.get(prisma);
  if (pool === undefined) throw new Error('This PrismaClient was not made by createPrismaClient: it has no pg pool to share');
  return pool;
}

/**
 * Runs `work` in one transaction on a pooled connection: COMMIT when it resolves, ROLLBACK when it
 * throws. For hot paths measured to need it (usage ingestion); everything else uses Prisma.
 */
export async function withSqlTransaction<T>(prisma: PrismaClient, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  // Prisma ends the shared pool on $disconnect only once it has connected itself: connect it once.
  let connecting = connected.get(prisma);
  if (connecting === undefined) {
    connecting = prisma.$connect().catch((error: unknown) => {
      connected.delete(prisma); // a failed connect is tried again by the next transaction
      throw error;
    });
    connected.set(prisma, connecting);
  }
  await connecting;
  const client = await sqlPool(prisma).connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is gone; do not hand it out again
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
