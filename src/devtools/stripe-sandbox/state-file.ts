import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoredResponse } from './idempotency.js';
import type { SandboxStateSnapshot } from './state.js';

const FORMAT_VERSION = 1;

/** What the optional state file holds: every object, every event, the idempotent results and the webhook deliveries still owed. */
export interface SandboxStateFile {
  version: typeof FORMAT_VERSION;
  state: SandboxStateSnapshot;
  idempotency: StoredResponse[];
  /** Ids of events not yet delivered to the webhook endpoint (absent in files of older sandboxes). */
  pendingWebhooks?: string[];
}

export function loadStateFile(path: string): SandboxStateFile | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SandboxStateFile>;
  if (parsed.version !== FORMAT_VERSION || !parsed.state || !Array.isArray(parsed.idempotency)) {
    throw new Error(`${path} is not a Stripe sandbox state file (format ${FORMAT_VERSION}); move it away to start empty`);
  }
  return parsed as SandboxStateFile;
}

/** The state file's text for these contents. */
export function stateFileText(file: Omit<SandboxStateFile, 'version'>): string {
  return JSON.stringify({ version: FORMAT_VERSION, ...file });
}

/** Where a snapshot is written before it is renamed over the state file. */
export function temporaryPathOf(path: string): string {
  return `${path}.${process.pid}.tmp`;
}

/** Written to a temporary file and renamed, so a crash mid-write never leaves a torn snapshot. */
export function saveStateFile(path: string, file: Omit<SandboxStateFile, 'version'>): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryPathOf(path);
  writeFileSync(temporary, stateFileText(file));
  renameSync(temporary, path);
}
