import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';
import { applyMigrations, readMigrations } from './migrator.js';
import { findSchemaEngine } from './prisma-engines.js';

export const migrationsDir = join(projectRoot, 'prisma', 'migrations');

export interface MigrateResult {
  tool: 'prisma' | 'builtin';
  applied: string[];
}

/**
 * Brings a database up to date: `prisma migrate deploy` when Prisma's schema engine is installed,
 * otherwise the built-in migrator over the very same files.
 */
export async function migrateDatabase(
  databaseUrl: string,
  options: { log?: (line: string) => void; preferPrisma?: boolean } = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const engine = options.preferPrisma === false ? undefined : findSchemaEngine(projectRoot);
  if (engine) {
    await runPrismaMigrateDeploy(databaseUrl, engine, log);
    return { tool: 'prisma', applied: [] };
  }
  const { applied } = await applyMigrations(databaseUrl, await readMigrations(migrationsDir), log);
  return { tool: 'builtin', applied };
}

function runPrismaMigrateDeploy(databaseUrl: string, engine: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(projectRoot, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_SCHEMA_ENGINE_BINARY: engine },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) {
        log(output.trim());
        resolve();
      } else reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`));
    });
  });
}
