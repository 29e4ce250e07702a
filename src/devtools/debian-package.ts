import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

/**
 * Installs a Debian package with apt-get for a test that needs a program the project does not
 * ship (as root, as CI runs; the package lists are refreshed only if the first try fails).
 * Throws `missing` when it cannot: not root, or no apt-get.
 */
export function installDebianPackage(name: string, purpose: string, missing: string, log: (line: string) => void): void {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) throw new Error(missing);
  log(`installing Debian's ${name} package ${purpose} (apt-get install ${name})…`);
  const install = ['install', '-y', '--no-install-recommends', name];
  if (!run('apt-get', install) && !(run('apt-get', ['update']) && run('apt-get', install))) throw new Error(`apt-get install ${name} failed`);
}
