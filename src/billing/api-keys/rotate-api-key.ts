import { z } from 'zod';
import { issueApiKey } from '../../tenancy/api-keys.js';
import { runInTransaction, type BillingDatabase } from '../db.js';
import { failure } from '../failures.js';
import { lockApiKey } from '../locks.js';
import { idSchema, parseInput } from '../validation.js';
import { requireApiKey } from './require-api-key.js';
import { apiKeyStatus, toApiKeyView, type IssuedApiKeyView } from './views.js';

/** Stripe lets a rolled key live up to 7 days, so deploys can switch over. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 3600;

const rotateApiKeyInput = z.object({
  tenantId: idSchema,
  apiKeyId: idSchema,
  /** How long the old key keeps working; 0 (the default) stops it at once. */
  expiresInSeconds: z.int().min(0).max(MAX_ROTATION_GRACE_SECONDS).optional(),
  /** The new key's id, derived from the request's Idempotency-Key. */
  id: idSchema.optional(),
});

/**
 * Replaces a key by a new one with the same name and role; the old one stops now or after a
 * grace period and names its successor. Rotating a key already rotated to the requested id (a
 * retried request) answers the new key without its secret; any other second rotation is refused.
 */
export async function rotateApiKey(prisma: BillingDatabase, input: z.input<typeof rotateApiKeyInput>): Promise<IssuedApiKeyView> {
  const { tenantId, apiKeyId, expiresInSeconds = 0, id } = parseInput(rotateApiKeyInput, input);
  return runInTransaction(prisma, async (tx) => {
    await lockApiKey(tx, tenantId, apiKeyId);
    const old = await requireApiKey(tx, tenantId, apiKeyId);
    if (old.replacedById !== null) {
      if (old.replacedById === id) return { ...toApiKeyView(await requireApiKey(tx, tenantId, id)), secret: null };
      throw failure('api_key_not_live', `Key ${apiKeyId} was already rotated to ${old.replacedById}`, { apiKeyId, replacedById: old.replacedById });
    }
    const now = new Date();
    const status = apiKeyStatus(old, now);
    if (status !== 'active') throw failure('api_key_not_live', `Key ${apiKeyId} is ${status} and cannot be rotated`, { apiKeyId, status });
    const issued = await issueApiKey(tx, { tenantId, name: old.name, role: old.role, ...(id === undefined ? {} : { id }) });
    await tx.apiKey.update({
      where: { id: apiKeyId },
      data: { replacedById: issued.id, ...(expiresInSeconds === 0 ? { revokedAt: now } : { expiresAt: new Date(now.getTime() + expiresInSeconds * 1000) }) },
    });
    return { ...toApiKeyView(await requireApiKey(tx, tenantId, issued.id), now), secret: issued.secret };
  });
}
