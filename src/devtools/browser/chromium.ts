import { existsSync } from 'node:fs';
import { installDebianPackage } from '../debian-package.js';

/** Where Debian's package puts the browser (and where CHROMIUM_PATH may point instead). */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function found(): string | null {
  const given = process.env.CHROMIUM_PATH;
  if (given) return existsSync(given) ? given : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
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
  installDebianPackage('chromium', 'for the browser tests', "no Chromium: install Debian's `chromium` package (apt-get install chromium) or set CHROMIUM_PATH", log);
  const installed = found();
  if (!installed) throw new Error('chromium was installed but is not at /usr/bin/chromium');
  return installed;
}
