import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_AUDIT_DIR } from '../support/log-audit.js';

/**
 * Run by `npm test` after every other group: each process of the run logged to
 * test-artifacts/logs/ (JSON lines) and wrote down the API keys, webhook secrets and email
 * addresses its tests used. None of them may appear in any line any process logged.
 */
const files = existsSync(LOG_AUDIT_DIR) ? readdirSync(LOG_AUDIT_DIR) : [];
const read = (name: string): string => readFileSync(join(LOG_AUDIT_DIR, name), 'utf8');
const logFiles = files.filter((name) => name.endsWith('.ndjson') || name.endsWith('.log'));
const secrets = [...new Set(files.filter((name) => name.startsWith('secrets-')).flatMap((name) => read(name).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string)))];

describe('the logs of the whole test run', () => {
  it('were written, by the API and the workers, as JSON lines with an access line per request', () => {
    const lines = logFiles.filter((name) => name.endsWith('.ndjson')).flatMap((name) => read(name).split('\n').filter(Boolean));
    expect(lines.length).toBeGreaterThan(1_000);
    const parsed = lines.map((line) => JSON.parse(line) as { msg?: string; route?: string; status?: number; requestId?: string; level?: string });
    const requests = parsed.filter((line) => line.msg === 'request');
    expect(requests.length).toBeGreaterThan(1_000);
    for (const request of requests.slice(0, 500)) expect([typeof request.route, typeof request.status, typeof request.requestId]).toEqual(['string', 'number', 'string']);
    // The Temporal runtime's own lines come through the same logger (workflowId, runId on them).
    expect(parsed.some((line) => 'workflowId' in line || 'sdkComponent' in line)).toBe(true);
  });

  it('hold no API key, webhook secret or email address the tests used', () => {
    expect(secrets.filter((s) => s.startsWith('dbk_')).length).toBeGreaterThan(50);
    expect(secrets.filter((s) => s.startsWith('whsec_')).length).toBeGreaterThan(5);
    expect(secrets.filter((s) => s.includes('@')).length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const name of logFiles) {
      const text = read(name);
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${name}: ${secret.slice(0, 10)}…`);
    }
    expect(leaks).toEqual([]);
  });

  it('carry no ANSI colour codes in the JSON lines', () => {
    const coloured = logFiles.filter((name) => name.endsWith('.ndjson') && read(name).includes(`${String.fromCharCode(27)}[`));
    expect(coloured).toEqual([]);
  });
});
