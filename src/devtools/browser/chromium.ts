import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's package puts the browser (and where CHROMIUM_PATH may point instead). */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function found(): string | null {
  const given = process.env.CHROMIUM_PATH;
  if (given) return existsSync(given) ? given : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

/**
 * The headless Chromium the browser tests drive (through playwright-core, which cannot download a
 * browser here): CHROMIUM_PATH, Debian's package if installed, or else Debian's package installed
 * now with apt-get (as root, as CI runs). Throws with what to do when none can be had.
 */
export function resolveChromium(log: (line: string) => void = (line) => console.log(line)): string {
  const existing = found();
  if (existing) return existing;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error('no Chromium: install Debian\'s `chromium` package (apt-get install chromium) or set CHROMIUM_PATH');
  }
  log('installing Debian\'s chromium package for the browser tests (apt-get install chromium)…');
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  if (!run('apt-get', install) && !(run('apt-get', ['update']) && run('apt-get', install))) throw new Error('apt-get install chromium failed');
  const installed = found();
  if (!installed) throw new Error('chromium was installed but is not at /usr/bin/chromium');
  return installed;
}
