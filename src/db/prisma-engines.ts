import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Prisma's native schema engine (needed by `prisma migrate deploy`) is downloaded by an install
 * script, which npm 11 does not run by default and which fails offline. Where it is present we
 * let Prisma migrate; where it is not, src/db/migrator.ts applies the same files itself.
 */
export function findSchemaEngine(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (explicit && existsSync(explicit)) return explicit;
  for (const dir of ['node_modules/@prisma/engines', 'node_modules/prisma']) {
    const abs = join(projectRoot, dir);
    if (!existsSync(abs)) continue;
    const engine = readdirSync(abs).find((name) => name.startsWith('schema-engine-') && !name.endsWith('.gz'));
    if (engine) return join(abs, engine);
  }
  return undefined;
}
