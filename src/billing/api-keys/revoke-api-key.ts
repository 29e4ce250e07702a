import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import { runInTransaction, type BillingDatabase } from '../db.js';
import { failure } from '../failures.js';
import { lockLiveAdminKeys } from '../locks.js';
import { idSchema, parseInput } from '../validation.js';
import { requireApiKey } from './require-api-key.js';
import { toApiKeyView, type ApiKeyView } from './views.js';

const revokeApiKeyInput = z.object({ tenantId: idSchema, apiKeyId: idSchema });

/**
 * A tenant always keeps one admin key that will go on working, or nobody could manage its keys
 * again: the tenant's live admin keys are locked first, so two admins revoking each other at once
 * are serialised and the second is refused.
 */
async function refuseLastAdminKey(tx: Prisma.TransactionClient, tenantId: string, apiKeyId: string): Promise<void> {
  const liveAdmins = await lockLiveAdminKeys(tx, tenantId);
  const lasting = liveAdmins.filter((key) => key.expiresAt === null);
  if (lasting.length === 1 && lasting[0]!.id === apiKeyId) {
    throw failure('last_admin_key', 'This is the tenant\'s last admin key; create or rotate to another admin key before revoking it', { apiKeyId });
  }
}

/** Stops a key at once. Revoking a revoked key changes nothing and answers the same. */
export async function revokeApiKey(prisma: BillingDatabase, input: z.input<typeof revokeApiKeyInput>): Promise<ApiKeyView> {
  const { tenantId, apiKeyId } = parseInput(revokeApiKeyInput, input);
  return runInTransaction(prisma, async (tx) => {
    const key = await requireApiKey(tx, tenantId, apiKeyId);
    if (key.revokedAt !== null) return toApiKeyView(key);
    if (key.role === 'admin') await refuseLastAdminKey(tx, tenantId, apiKeyId);
    return toApiKeyView(await tx.apiKey.update({ where: { id: apiKeyId }, data: { revokedAt: new Date() } }));
  });
}
