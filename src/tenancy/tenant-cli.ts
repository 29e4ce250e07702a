import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createPrismaClient } from '../db/prisma-client.js';
import { isUniqueViolation } from '../billing/db.js';
import { issueApiKey } from './api-keys.js';
import { createTenantWithKey } from './tenants.js';

/**
 * `npm run tenant:create -- --name "Acme" --slug acme [--role admin|billing|support|read_only]`: creates a tenant
 * and its first API key, and prints the key once (only its hash is stored).
 * `npm run tenant:create -- --slug acme --key-only [--role billing|support|read_only]` issues another key for an
 * existing tenant. DATABASE_URL defaults to the database `npm start` runs.
 */
const DEFAULT_DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_POSTGRES_PORT ?? '54329'}/billing`;

const argsSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
  role: z.enum(['admin', 'billing', 'support', 'read_only']).default('admin'),
  'key-name': z.string().trim().min(1).max(100).default('cli'),
  'key-only': z.boolean().default(false),
});

function fail(message: string): never {
  console.error(`tenant:create: ${message}`);
  process.exit(64);
}

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    slug: { type: 'string' },
    role: { type: 'string' },
    'key-name': { type: 'string' },
    'key-only': { type: 'boolean' },
  },
  strict: true,
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) fail(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '));
const args = parsed.data;
if (!args['key-only'] && args.name === undefined) fail('--name is required (or --key-only for another key of an existing tenant)');

const prisma = createPrismaClient(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
try {
  if (args['key-only']) {
    const tenant = await prisma.tenant.findUnique({ where: { slug: args.slug } });
    if (tenant === null) fail(`no tenant with slug ${args.slug}`);
    const key = await issueApiKey(prisma, { tenantId: tenant.id, name: args['key-name'], role: args.role });
    console.log(JSON.stringify({ tenantId: tenant.id, slug: tenant.slug, apiKeyId: key.id, role: key.role, apiKey: key.secret }, null, 2));
  } else {
    const created = await createTenantWithKey(prisma, { name: args.name ?? args.slug, slug: args.slug, keyName: args['key-name'], role: args.role }).catch((error: unknown) => {
      if (isUniqueViolation(error)) fail(`a tenant with slug ${args.slug} exists (use --key-only to issue another key)`);
      throw error;
    });
    console.log(
      JSON.stringify({ tenantId: created.tenant.id, slug: created.tenant.slug, apiKeyId: created.apiKey.id, role: created.apiKey.role, apiKey: created.apiKey.secret }, null, 2),
    );
  }
  console.error('Keep the apiKey now: it is stored hashed and cannot be shown again.');
} finally {
  await prisma.$disconnect();
}
