import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoTenant } from '../../../src/devtools/stack/demo-tenant.js';
import { hashApiKey } from '../../../src/tenancy/api-keys.js';
import { createTenantWithKey } from '../../../src/tenancy/tenants.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('tenants and API keys', () => {
  it('stores only the hash of a key, never the secret', async () => {
    const { tenant, apiKey } = await createTenantWithKey(db.prisma, { name: 'Acme', slug: 'acme' });
    const stored = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(stored.tenantId).toBe(tenant.id);
    expect(stored.hashedKey).toBe(hashApiKey(apiKey.secret));
    expect(JSON.stringify(stored)).not.toContain(apiKey.secret);
    expect(apiKey.secret.startsWith(stored.prefix)).toBe(true);
    expect(stored.role).toBe('admin');
  });

  it('refuses a duplicate slug and leaves no orphan key behind', async () => {
    await createTenantWithKey(db.prisma, { name: 'Dup', slug: 'dup' });
    const keysBefore = await db.prisma.apiKey.count();
    await expect(createTenantWithKey(db.prisma, { name: 'Dup again', slug: 'dup' })).rejects.toThrow();
    expect(await db.prisma.apiKey.count()).toBe(keysBefore);
  });
});

describe('ensureDemoTenant', () => {
  it('creates the demo tenant once and prints the same key on every start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'demo-'));
    const first = await ensureDemoTenant(db.prisma, dataDir);
    const second = await ensureDemoTenant(db.prisma, dataDir);
    expect(second).toEqual(first);
    expect(await db.prisma.tenant.count({ where: { slug: 'demo' } })).toBe(1);
    expect((await readFile(join(dataDir, 'demo-api-key'), 'utf8')).trim()).toBe(first.apiKey);
    await rm(dataDir, { recursive: true });
  });

  it('issues a fresh key for the same tenant when the stored secret is lost or revoked', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'demo-'));
    const first = await ensureDemoTenant(db.prisma, dataDir);
    await db.prisma.apiKey.update({ where: { hashedKey: hashApiKey(first.apiKey) }, data: { revokedAt: new Date() } });
    const second = await ensureDemoTenant(db.prisma, dataDir);
    expect(second.tenantId).toBe(first.tenantId);
    expect(second.apiKey).not.toBe(first.apiKey);
    await rm(join(dataDir, 'demo-api-key'));
    const third = await ensureDemoTenant(db.prisma, dataDir);
    expect(third.tenantId).toBe(first.tenantId);
    expect(third.apiKey).not.toBe(second.apiKey);
    await rm(dataDir, { recursive: true });
  });
});
