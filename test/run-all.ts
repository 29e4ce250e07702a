import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/project-root.js';

/**
 * `npm test`: typecheck, lint, then every vitest group (unit, integration, workflow, e2e) in one
 * run. Exits non-zero if any step fails, and ends with one plain summary line.
 * Extra arguments go to vitest, e.g. `npm test -- --project unit`.
 */
const bin = (name: string): string => join(projectRoot, 'node_modules', '.bin', name);
const step = (title: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean => {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit', env });
  return result.status === 0;
};

const typecheckOk = step('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit']);
const lintOk = step('lint (eslint)', bin('eslint'), ['--max-warnings', '0', '.']);

const resultsDir = mkdtempSync(join(tmpdir(), 'durable-billing-test-results-'));
const resultsFile = join(resultsDir, 'vitest.json');
// Every process of the run logs to its own file there (JSON lines); the log audit reads them after.
const logDir = join(projectRoot, 'test-artifacts', 'logs');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
const logEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'debug', LOG_FILE: join(logDir, '{pid}.ndjson') };
const vitestOk = step(
  'tests (vitest: unit, integration, workflow, e2e)',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)],
  logEnv,
);
// A partial run (`npm test -- --project unit`) has too little to audit.
const auditOk = process.argv.length > 2 || step('log audit (no secret in any log line)', bin('vitest'), ['run', '--project', 'logs'], { ...process.env, BILLING_LOG_AUDIT: '1' });

let summary = 'no test results were written';
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  summary = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
} catch {
  // vitest crashed before writing results; the failure is already on screen.
}
rmSync(resultsDir, { recursive: true, force: true });

const failures = [!typecheckOk && 'typecheck', !lintOk && 'lint', !vitestOk && 'tests', !auditOk && 'log audit'].filter(Boolean);
console.log(`\ntypecheck ${typecheckOk ? 'ok' : 'FAILED'}, lint ${lintOk ? 'ok' : 'FAILED'}, log audit ${auditOk ? 'ok' : 'FAILED'}`);
console.log(`Tests: ${summary}`);
process.exit(failures.length === 0 ? 0 : 1);
