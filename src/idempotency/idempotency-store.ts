import type { PrismaClient } from '../db/prisma-client.js';
import type { Prisma } from '../generated/prisma/client.js';

/** How long a finished response is replayed (Stripe keeps keys for 24 hours). */
export const KEY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** A claim nobody finished within this time belonged to a process that died; it may be retaken. */
export const CLAIM_LEASE_MS = 60_000;

export interface IdempotentRequest {
  tenantId: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
}

export type ClaimResult =
  | { kind: 'claimed'; claimedAt: number }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch'; differs: 'path' | 'body' }
  | { kind: 'in_progress' };

/**
 * The store behind the Idempotency-Key header: one row per (tenant, key). Claiming is an INSERT
 * that only one concurrent request can win (the primary key decides); the winner runs the
 * handler and stores its response, everyone else replays it.
 */
export class IdempotencyStore {
  constructor(private readonly prisma: PrismaClient) {}

  async claim(request: IdempotentRequest, now: number): Promise<ClaimResult> {
    for (let round = 0; round < 3; round++) {
      const inserted = await this.prisma.idempotencyKey.createMany({
        data: [
          {
            tenantId: request.tenantId,
            key: request.key,
            method: request.method,
            path: request.path,
            requestHash: request.fingerprint,
            state: 'in_progress',
            lockedUntil: new Date(now + CLAIM_LEASE_MS),
            createdAt: new Date(now),
          },
        ],
        skipDuplicates: true,
      });
      if (inserted.count === 1) return { kind: 'claimed', claimedAt: now };
      const row = await this.prisma.idempotencyKey.findUnique({ where: { tenantId_key: { tenantId: request.tenantId, key: request.key } } });
      if (row === null) continue; // released or expired between the two statements: claim again
      if (row.createdAt.getTime() + KEY_RETENTION_MS <= now) {
        await this.prisma.idempotencyKey.deleteMany({ where: { tenantId: request.tenantId, key: request.key, createdAt: row.createdAt } });
        continue;
      }
      if (row.method !== request.method || row.path !== request.path) return { kind: 'mismatch', differs: 'path' };
      if (row.requestHash !== request.fingerprint) return { kind: 'mismatch', differs: 'body' };
      if (row.state === 'completed' && row.responseStatus !== null) return { kind: 'replay', status: row.responseStatus, body: row.responseBody };
      if (row.lockedUntil !== null && row.lockedUntil.getTime() <= now) {
        // The claimant died mid-request. Taking over is safe because every handler's effect is
        // itself keyed (deterministic ids, workflow ids, gateway idempotency keys).
        const taken = await this.prisma.idempotencyKey.updateMany({
          where: { tenantId: request.tenantId, key: request.key, state: 'in_progress', lockedUntil: row.lockedUntil },
          data: { lockedUntil: new Date(now + CLAIM_LEASE_MS) },
        });
        if (taken.count === 1) return { kind: 'claimed', claimedAt: row.createdAt.getTime() };
        continue;
      }
      return { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  async complete(request: IdempotentRequest, status: number, body: unknown, now: number): Promise<void> {
    await this.prisma.idempotencyKey.updateMany({
      where: { tenantId: request.tenantId, key: request.key, state: 'in_progress' },
      data: { state: 'completed', responseStatus: status, responseBody: (body ?? null) as Prisma.InputJsonValue, lockedUntil: null, completedAt: new Date(now) },
    });
  }

  /** Forgets a claim whose request may be retried as new (a 5xx, a refused validation). */
  async release(request: IdempotentRequest): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { tenantId: request.tenantId, key: request.key, state: 'in_progress' } });
  }

  /** Drops keys past retention; run periodically. */
  async purgeExpired(now: number): Promise<number> {
    const { count } = await this.prisma.idempotencyKey.deleteMany({ where: { createdAt: { lt: new Date(now - KEY_RETENTION_MS) } } });
    return count;
  }
}
