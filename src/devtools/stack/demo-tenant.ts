import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrismaClient } from '../../db/prisma-client.js';
import { hashApiKey, issueApiKey } from '../../tenancy/api-keys.js';
import { createTenantWithKey } from '../../tenancy/tenants.js';

const DEMO_SLUG = 'demo';

/**
 * The dev stack's demo tenant and an admin key for it. Keys are stored hashed, so to print the
 * same key on every `npm start` its secret is kept in the (git-ignored) data directory; if that
 * file is lost or the key revoked, a fresh key is issued.
 */
export async function ensureDemoTenant(prisma: PrismaClient, dataDir: string): Promise<{ tenantId: string; apiKey: string }> {
  const keyFile = join(dataDir, 'demo-api-key');
  const tenant = await prisma.tenant.findUnique({ where: { slug: DEMO_SLUG } });
  if (tenant && existsSync(keyFile)) {
    const secret = (await readFile(keyFile, 'utf8')).trim();
    const key = await prisma.apiKey.findUnique({ where: { hashedKey: hashApiKey(secret) } });
    if (key && key.tenantId === tenant.id && key.revokedAt === null) return { tenantId: tenant.id, apiKey: secret };
  }
  const issued = tenant
    ? await issueApiKey(prisma, { tenantId: tenant.id, name: 'demo (npm start)', role: 'admin' })
    : (await createTenantWithKey(prisma, { name: 'Demo Tenant', slug: DEMO_SLUG, keyName: 'demo (npm start)' })).apiKey;
  await writeFile(keyFile, `${issued.secret}\n`, { mode: 0o600 });
  return { tenantId: issued.tenantId, apiKey: issued.secret };
}
