import type { PrismaClient } from '../db/prisma-client.js';
import type { ApiKeyRole } from '../generated/prisma/enums.js';
import { newId } from '../ids.js';
import { issueApiKey, type IssuedApiKey } from './api-keys.js';

export interface CreatedTenant {
  tenant: { id: string; name: string; slug: string };
  apiKey: IssuedApiKey;
}

/** Creates a tenant and its first API key in one transaction: never a tenant nobody can use. */
export async function createTenantWithKey(
  prisma: PrismaClient,
  input: { name: string; slug: string; keyName?: string; role?: ApiKeyRole },
): Promise<CreatedTenant> {
  return prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({ data: { id: newId('ten'), name: input.name, slug: input.slug } });
    const apiKey = await issueApiKey(tx, {
      tenantId: tenant.id,
      name: input.keyName ?? 'default',
      role: input.role ?? 'admin',
    });
    return { tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug }, apiKey };
  });
}
