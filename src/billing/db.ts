import type { PrismaClient } from '../db/prisma-client.js';
import type { Prisma } from '../generated/prisma/client.js';

/**
 * The database handle callers outside billing (the API, the worker) hold and pass to billing
 * operations without using it themselves.
 */
export type BillingDatabase = PrismaClient;

/** A client or an open transaction: helpers that only read or write rows accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Billing transactions take row locks (invoice numbers, credit balance, discounts), so a burst of
 * concurrent ones queues behind each other; Prisma's defaults (2 s to get a connection, 5 s to
 * finish) are too tight for that queue, not for the work itself.
 */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

export function runInTransaction<T>(prisma: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(work, TRANSACTION_OPTIONS);
}

/** Postgres 23505, as Prisma reports it (P2002), through the driver adapter or not. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return code === 'P2002' || meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
}

/** Plain JSON for a Json column (drops `undefined`, refuses bigint and cycles loudly). */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
