import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireApiKey } from './require-api-key.js';
import { toApiKeyView, type ApiKeyView } from './views.js';

const getApiKeyInput = z.object({ tenantId: idSchema, apiKeyId: idSchema });

export async function getApiKey(prisma: Db, input: z.input<typeof getApiKeyInput>): Promise<ApiKeyView> {
  const { tenantId, apiKeyId } = parseInput(getApiKeyInput, input);
  return toApiKeyView(await requireApiKey(prisma, tenantId, apiKeyId));
}
