import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installDebianPackage } from '../debian-package.js';

/** The three poppler-utils programs the PDF tests read documents with. */
export interface Poppler {
  /** PDF → text, in reading order with `-layout`. */
  pdftotext: string;
  /** PDF page → PNG. */
  pdftoppm: string;
  /** Page count, title, author. */
  pdfinfo: string;
}

const PROGRAMS = ['pdftotext', 'pdftoppm', 'pdfinfo'] as const;

/** Where Debian's package puts them (and where POPPLER_BIN_DIR may point instead). */
const CANDIDATE_DIRS = ['/usr/bin', '/usr/local/bin'];

function inDir(dir: string): Poppler | null {
  const paths = PROGRAMS.map((program) => join(dir, program));
  if (!paths.every((path) => existsSync(path))) return null;
  const [pdftotext, pdftoppm, pdfinfo] = paths as [string, string, string];
  return { pdftotext, pdftoppm, pdfinfo };
}

function found(): Poppler | null {
  const given = process.env.POPPLER_BIN_DIR;
  if (given) return inDir(given);
  for (const dir of CANDIDATE_DIRS) {
    const poppler = inDir(dir);
    if (poppler) return poppler;
  }
  return null;
}

/**
 * The poppler-utils programs the invoice PDF tests read documents back with (text, page count,
 * a PNG of a page): POPPLER_BIN_DIR, Debian's package if installed, or else Debian's package
 * installed now with apt-get (as root, as CI runs). Throws with what to do when none can be had.
 */
export function resolvePoppler(log: (line: string) => void = (line) => console.log(line)): Poppler {
  const existing = found();
  if (existing) return existing;
  if (process.env.POPPLER_BIN_DIR) throw new Error(`POPPLER_BIN_DIR=${process.env.POPPLER_BIN_DIR} does not hold ${PROGRAMS.join(', ')}`);
  installDebianPackage(
    'poppler-utils',
    'for the PDF tests',
    "no poppler-utils: install Debian's `poppler-utils` package (apt-get install poppler-utils) or set POPPLER_BIN_DIR to a directory holding pdftotext, pdftoppm and pdfinfo",
    log,
  );
  const installed = found();
  if (!installed) throw new Error('poppler-utils was installed but pdftotext, pdftoppm and pdfinfo are not in /usr/bin');
  return installed;
}
