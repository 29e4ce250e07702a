import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createPrismaClient } from '../db/prisma-client.js';
import { isUniqueViolation } from '../billing/db.js';
import { describeIssue } from '../billing/validation-messages.js';
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

const USAGE = `Usage:
  npm run tenant:create -- --name <name> --slug <slug> [--role <role>] [--key-name <name>]
      Creates a tenant and its first API key, and prints the key once.
  npm run tenant:create -- --slug <slug> --key-only [--role <role>] [--key-name <name>]
      Issues another API key for an existing tenant.

Options:
  --name <name>       the tenant's name, as invoices show it (required unless --key-only)
  --slug <slug>       lower-case letters, digits and dashes, unique (required)
  --role <role>       admin (default), billing, support or read_only
  --key-name <name>   a label for the key (default: cli)
  --key-only          issue a key for the tenant --slug names instead of creating one
  --help              show this text

DATABASE_URL defaults to the database \`npm start\` runs.`;

function fail(message: string): never {
  console.error(`tenant:create: ${message}\n\n${USAGE}`);
  process.exit(64);
}

function parseCommandLine(): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({
      options: {
        name: { type: 'string' },
        slug: { type: 'string' },
        role: { type: 'string' },
        'key-name': { type: 'string' },
        'key-only': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    // parseArgs says what was wrong ("Unknown option '--nam'"); its stack says nothing more.
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const values = parseCommandLine();
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const parsed = argsSchema.safeParse(values);
if (!parsed.success) fail(parsed.error.issues.map((issue) => `--${issue.path.join('.')} ${describeIssue(issue, values).message}`).join('; '));
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
} catch (error) {
  const reason = error instanceof Error ? error.message.split('\n').find((line) => line.trim() !== '') : String(error);
  console.error(`tenant:create: the database could not be used (${reason ?? 'unknown error'}).\nIs \`npm start\` running, or DATABASE_URL set to a migrated database?`);
  process.exitCode = 69;
} finally {
  await prisma.$disconnect();
}
