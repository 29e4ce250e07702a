import type { ApiKey } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';

export async function requireApiKey(prisma: Db, tenantId: string, apiKeyId: string): Promise<ApiKey> {
  const key = await prisma.apiKey.findFirst({ where: { id: apiKeyId, tenantId } });
  if (key === null) throw notFound('api_key', apiKeyId);
  return key;
}
