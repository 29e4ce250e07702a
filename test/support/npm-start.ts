import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/devtools/process/free-port.js';
import { projectRoot } from '../../src/project-root.js';
import { keepProcessOutput, recordTestSecret } from './log-audit.js';

const stackOutputs = new WeakMap<ChildProcess, () => string>();

/** A running `npm start` (the embedded stack) and what its banner says. */
export interface Stack {
  child: ChildProcess;
  output: () => string;
  apiUrl: string;
  uiUrl: string;
  tenantId: string;
  apiKey: string;
}

/**
 * `npm start` as a user runs it, with `env` on top of this process's (the embedded default unless
 * DATABASE_URL or TEMPORAL_ADDRESS is given); resolves once its banner is printed.
 */
export async function startStack(env: Record<string, string>, running: ChildProcess[]): Promise<Stack> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  if (!('TEMPORAL_ADDRESS' in env)) delete childEnv.TEMPORAL_ADDRESS;
  // Its logs come back on its output (the tests read them there), kept for the log audit at cleanup.
  if (!('LOG_FILE' in env)) delete childEnv.LOG_FILE;
  // Its progress lines are info: the tests read them (whatever level the test run logs at).
  if (!('LOG_LEVEL' in env)) childEnv.LOG_LEVEL = 'info';
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/devtools/stack/start.ts')], {
    cwd: projectRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  stackOutputs.set(child, () => output);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!/Demo API key\s+\S+/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up within 90 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const field = (label: string): string => new RegExp(`${label}\\s+(\\S+)`).exec(output)?.[1] ?? '';
  recordTestSecret(field('Demo API key'));
  return { child, output: () => output, apiUrl: field('API'), uiUrl: field('Temporal UI'), tenantId: field('Demo tenant'), apiKey: field('Demo API key') };
}

/** A throwaway data directory and free ports for one `npm start`. */
export async function stackEnvironment(dataDirs: string[]): Promise<{ env: Record<string, string>; ports: Record<'PORT' | 'EMBEDDED_POSTGRES_PORT' | 'TEMPORAL_DEV_PORT' | 'TEMPORAL_UI_PORT' | 'STRIPE_SANDBOX_PORT', number>; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'durable-billing-e2e-'));
  await chmod(dataDir, 0o755); // PostgreSQL may run as the `postgres` user (when we are root)
  dataDirs.push(dataDir);
  const ports = {
    PORT: await freePort(),
    EMBEDDED_POSTGRES_PORT: await freePort(),
    TEMPORAL_DEV_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
    STRIPE_SANDBOX_PORT: await freePort(),
  };
  return { dataDir, ports, env: { DATA_DIR: dataDir, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) } };
}

/** Kills what is still running and removes the data directories. */
export async function cleanUpStacks(running: ChildProcess[], dataDirs: string[]): Promise<void> {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  for (const [index, child] of running.entries()) keepProcessOutput(`npm-start-${index}`, stackOutputs.get(child)?.() ?? '');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
}
