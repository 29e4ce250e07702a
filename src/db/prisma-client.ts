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
 * The pg pool under a client, once Prisma has connected it (Prisma ends a shared pool on
 * $disconnect only when it has connected itself). For the hot paths measured to need plain SQL
 * (usage ingestion); everything else uses Prisma.
 */
export async function connectedSqlPool(prisma: PrismaClient): Promise<pg.Pool> {
  let connecting = connected.get(prisma);
  if (connecting === undefined) {
    connecting = prisma.$connect().catch((error: unknown) => {
      connected.delete(prisma); // a failed connect is tried again by the next caller
      throw error;
    });
    connected.set(prisma, connecting);
  }
  await connecting;
  return sqlPool(prisma);
}
