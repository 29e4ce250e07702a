import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/tenancy/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const run = promisify(execFile);
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/tenancy/tenant-cli.ts', ...args], { env: { ...process.env, DATABASE_URL: db.url } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run tenant:create', () => {
  it('creates a tenant with an admin key stored only as its hash, then more keys with --key-only', async () => {
    const created = await cli('--name', 'Acme Inc', '--slug', 'acme');
    expect(created.code).toBe(0);
    const out = JSON.parse(created.stdout) as { tenantId: string; apiKey: string; role: string };
    expect(out.role).toBe('admin');
    expect(out.apiKey).toMatch(/^dbk_[0-9A-Za-z]{40}$/);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { hashedKey: hashApiKey(out.apiKey) } });
    expect([row.tenantId, row.role]).toEqual([out.tenantId, 'admin']);
    expect(JSON.stringify(await db.prisma.apiKey.findMany())).not.toContain(out.apiKey);

    const readOnly = await cli('--slug', 'acme', '--key-only', '--role', 'read_only');
    expect(readOnly.code).toBe(0);
    const second = JSON.parse(readOnly.stdout) as { tenantId: string; apiKey: string; role: string };
    expect([second.tenantId, second.role]).toEqual([out.tenantId, 'read_only']);
  });

  it('refuses a taken slug, an unknown tenant, and bad arguments with exit 64 and a message', async () => {
    await cli('--name', 'Beta', '--slug', 'beta');
    const taken = await cli('--name', 'Beta again', '--slug', 'beta');
    expect([taken.code, taken.stderr]).toEqual([64, expect.stringContaining('a tenant with slug beta exists')]);
    const unknown = await cli('--slug', 'nobody', '--key-only');
    expect([unknown.code, unknown.stderr]).toEqual([64, expect.stringContaining('no tenant with slug nobody')]);
    const bad = await cli('--name', 'X', '--slug', 'Not A Slug', '--role', 'owner');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--slug');
    expect(bad.stderr).toContain('--role');
    expect(await db.prisma.tenant.count({ where: { slug: { in: ['Not A Slug', 'nobody'] } } })).toBe(0);
  });

  it('prints its usage for --help, and a message with the usage but no stack for missing or unknown options', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('--key-only');
    const missing = await cli();
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('tenant:create: --slug is required');
    expect(missing.stderr).toContain('Usage:');
    const noName = await cli('--slug', 'gamma');
    expect([noName.code, noName.stderr]).toEqual([64, expect.stringContaining('--name is required')]);
    const unknownOption = await cli('--nam', 'Gamma', '--slug', 'gamma');
    expect(unknownOption.code).toBe(64);
    expect(unknownOption.stderr).toContain("Unknown option '--nam'");
    for (const failed of [missing, noName, unknownOption]) expect(failed.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
    expect(await db.prisma.tenant.count({ where: { slug: 'gamma' } })).toBe(0);
  });

  it('says the database could not be used, without a stack, when it is not there', async () => {
    const result = await run('npx', ['tsx', 'src/tenancy/tenant-cli.ts', '--name', 'Delta', '--slug', 'delta'], {
      env: { ...process.env, DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:1/none' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('tenant:create: the database could not be used');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
