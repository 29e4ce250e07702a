import { createHash, timingSafeEqual } from 'node:crypto';
import { connectedSqlPool, type PrismaClient } from '../db/prisma-client.js';
import type { ApiKeyRole } from '../generated/prisma/enums.js';
import { newId, randomBase62 } from '../ids.js';

/**
 * API keys look like `dbk_<40 base62 chars>`. Only the SHA-256 of the whole key is stored: a key
 * carries ~238 random bits, so a fast hash is safe (no password stretching needed), and it lets
 * authentication look the key up by its hash with one indexed query.
 */
export const API_KEY_PREFIX = 'dbk_';
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateApiKeySecret(): string {
  return `${API_KEY_PREFIX}${randomBase62(40)}`;
}

export function apiKeyHashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface IssuedApiKey {
  id: string;
  tenantId: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: Date;
  /** The only time the secret exists outside the caller's hands. */
  secret: string;
}

export async function issueApiKey(
  prisma: Pick<PrismaClient, 'apiKey'>,
  input: { tenantId: string; name: string; role: ApiKeyRole; id?: string },
): Promise<IssuedApiKey> {
  const secret = generateApiKeySecret();
  const key = await prisma.apiKey.create({
    data: {
      id: input.id ?? newId('key'),
      tenantId: input.tenantId,
      name: input.name,
      role: input.role,
      prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
      hashedKey: hashApiKey(secret),
    },
  });
  return { id: key.id, tenantId: key.tenantId, name: key.name, role: key.role, prefix: key.prefix, createdAt: key.createdAt, secret };
}

export interface ApiKeyPrincipal {
  tenantId: string;
  apiKeyId: string;
  /** The key's name, which the audit trail shows beside its id. */
  apiKeyName: string;
  role: ApiKeyRole;
}

/** A live key as found by its hash: who it is, and until when it lives (a rotated key's grace period). */
export interface FoundApiKey {
  principal: ApiKeyPrincipal;
  /** Epoch ms; null for a key that does not expire. */
  expiresAt: number | null;
}

/**
 * The live key a hashed secret belongs to, in one indexed read; null for an unknown or revoked
 * key. It is a named statement on the pg pool rather than a Prisma query (whose query engine cost
 * more CPU than the rest of a usage event).
 */
export async function findApiKeyByHash(prisma: PrismaClient, hashedKey: string): Promise<FoundApiKey | null> {
  const db = await connectedSqlPool(prisma);
  // A rotated key past its grace period is as dead as a revoked one; the database's clock decides,
  // so every API process agrees on the instant.
  const { rows } = await db.query<{ id: string; tenant_id: string; name: string; role: ApiKeyRole; live: boolean; expires_at: Date | null }>({
    name: 'api-key-by-hash',
    text: 'SELECT id, tenant_id, name, role::text AS role, (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS live, expires_at FROM api_keys WHERE hashed_key = $1',
    values: [hashedKey],
  });
  const key = rows[0];
  if (key === undefined || !key.live) return null;
  return { principal: { tenantId: key.tenant_id, apiKeyId: key.id, apiKeyName: key.name, role: key.role }, expiresAt: key.expires_at === null ? null : key.expires_at.getTime() };
}

/** The live key a secret belongs to (see findApiKeyByHash). */
export async function findApiKey(prisma: PrismaClient, secret: string): Promise<ApiKeyPrincipal | null> {
  return (await findApiKeyByHash(prisma, hashApiKey(secret)))?.principal ?? null;
}

/** Stamps a key's last use. */
export async function recordApiKeyUse(prisma: PrismaClient, apiKeyId: string, at: Date): Promise<void> {
  await prisma.apiKey.update({ where: { id: apiKeyId }, data: { lastUsedAt: at } });
}
