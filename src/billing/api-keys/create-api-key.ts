import { z } from 'zod';
import { ApiKeyRole } from '../../generated/prisma/enums.js';
import { issueApiKey } from '../../tenancy/api-keys.js';
import { isUniqueViolation, type Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireApiKey } from './require-api-key.js';
import { toApiKeyView, type IssuedApiKeyView } from './views.js';

export const apiKeyNameSchema = z.string().trim().min(1).max(100);

const createApiKeyInput = z.object({
  tenantId: idSchema,
  name: apiKeyNameSchema,
  role: z.enum(ApiKeyRole),
  /** Derived from the request's Idempotency-Key: a retried create finds the key it made. */
  id: idSchema.optional(),
});

/**
 * Issues a key. The secret exists only in this answer: a retry that finds the key the first
 * attempt made (its response lost) gets it without the secret, never a second key.
 */
export async function createApiKey(prisma: Db, input: z.input<typeof createApiKeyInput>): Promise<IssuedApiKeyView> {
  const { tenantId, name, role, id } = parseInput(createApiKeyInput, input);
  try {
    const issued = await issueApiKey(prisma, { tenantId, name, role, ...(id === undefined ? {} : { id }) });
    const view = toApiKeyView({ ...issued, hashedKey: '', lastUsedAt: null, revokedAt: null, expiresAt: null, replacedById: null });
    return { ...view, secret: issued.secret };
  } catch (error) {
    if (id === undefined || !isUniqueViolation(error)) throw error;
    return { ...toApiKeyView(await requireApiKey(prisma, tenantId, id)), secret: null };
  }
}
