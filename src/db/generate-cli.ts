import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';
import { findSchemaEngine } from './prisma-engines.js';

// `npm run db:generate` (also run after `npm ci`). `prisma generate` never uses the schema engine
// but insists that the binary exists; pointing it at any executable lets it generate offline.
const engine = findSchemaEngine(projectRoot) ?? process.execPath;
const result = spawnSync(join(projectRoot, 'node_modules', '.bin', 'prisma'), ['generate'], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
});
process.exit(result.status ?? 1);
