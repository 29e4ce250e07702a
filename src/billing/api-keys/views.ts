import { z } from 'zod';
import type { ApiKey } from '../../generated/prisma/client.js';
import { ApiKeyRole } from '../../generated/prisma/enums.js';
import { instant, isoOrNull } from '../view-fields.js';

export const apiKeyStatuses = ['active', 'expiring', 'expired', 'revoked'] as const;
export type ApiKeyStatus = (typeof apiKeyStatuses)[number];

/** What the API returns for a key: never its secret or hash, only the prefix that tells keys apart. */
export const apiKeyViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    name: z.string(),
    role: z.enum(ApiKeyRole),
    prefix: z.string().describe('The first characters of the secret'),
    status: z.enum(apiKeyStatuses).describe('`expiring`: rotated, working until `expiresAt`'),
    createdAt: instant,
    lastUsedAt: instant.nullable().describe('Within a minute'),
    revokedAt: instant.nullable(),
    expiresAt: instant.nullable(),
    replacedById: z.string().nullable().describe('The key a rotation replaced this one with'),
  })
  .meta({ id: 'ApiKey' });

export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

export const issuedApiKeyViewSchema = apiKeyViewSchema
  .extend({
    secret: z
      .string()
      .nullable()
      .describe('The key itself, shown in this response only; null when the response is replayed for a repeated Idempotency-Key'),
  })
  .meta({ id: 'IssuedApiKey' });

export type IssuedApiKeyView = z.infer<typeof issuedApiKeyViewSchema>;

export function apiKeyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt === null) return 'active';
  return key.expiresAt > now ? 'expiring' : 'expired';
}

export function toApiKeyView(key: ApiKey, now = new Date()): ApiKeyView {
  return {
    id: key.id,
    object: 'api_key',
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    status: apiKeyStatus(key, now),
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: isoOrNull(key.lastUsedAt),
    revokedAt: isoOrNull(key.revokedAt),
    expiresAt: isoOrNull(key.expiresAt),
    replacedById: key.replacedById,
  };
}
