import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

/**
 * The log audit of a full test run (`npm test`): every process logs to
 * test-artifacts/logs/{pid}.ndjson (LOG_FILE, set by test/run-all.ts), the tests write down each
 * secret and email address they use, and test/logs/ checks afterwards that no log line contains
 * any of them. Outside `npm test` (no LOG_FILE) nothing is recorded.
 */
export const LOG_AUDIT_DIR = join(projectRoot, 'test-artifacts', 'logs');

const auditing = (): boolean => process.env.LOG_FILE !== undefined && process.env.LOG_FILE.startsWith(LOG_AUDIT_DIR);

/** A value that must never appear in a log line: an API key, a webhook secret, an email address. */
export function recordTestSecret(value: string | null | undefined): void {
  // A value already redacted (an audit event's `[REDACTED]`) is the marker, not a secret.
  if (!auditing() || value === null || value === undefined || value.length < 6 || /redacted/i.test(value)) return;
  mkdirSync(LOG_AUDIT_DIR, { recursive: true });
  appendFileSync(join(LOG_AUDIT_DIR, `secrets-${process.pid}.txt`), `${JSON.stringify(value)}\n`);
}

/** Secrets in a request body or a response: keys and secrets returned, email addresses sent. */
export function recordSecretsIn(value: unknown, depth = 0): void {
  if (!auditing() || value === null || typeof value !== 'object' || depth > 6) return;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && (/^(secret|apiKey|email|billingEmail)$/.test(key) || /^(dbk|whsec)_/.test(item))) recordTestSecret(item);
    else if (typeof item === 'object') recordSecretsIn(item, depth + 1);
  }
}

/**
 * The log lines a child process (npm start) printed, kept for the audit beside the processes' log
 * files. Only its log lines: the banner is a message to the person who started it, and shows the
 * demo API key on purpose.
 */
export function keepProcessOutput(name: string, output: string): void {
  const lines = output.split('\n').filter((line) => line.startsWith('{'));
  if (!auditing() || lines.length === 0) return;
  mkdirSync(LOG_AUDIT_DIR, { recursive: true });
  appendFileSync(join(LOG_AUDIT_DIR, `output-${name}-${process.pid}.ndjson`), `${lines.join('\n')}\n`);
}
