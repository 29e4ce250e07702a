import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { API_FAILURES, ApiError, toErrorResponse, type ApiFailureCode } from '../../../src/api/errors.js';
import { FAILURE_CATALOG, failure, toFailureWire, type FailureCode, type FailureKind } from '../../../src/billing/failures.js';
import { projectRoot } from '../../../src/project-root.js';
import { billingErrorFromTemporal } from '../../../src/temporal/temporal-failures.js';

/**
 * The failure vocabulary as a whole: every code the code base can throw is in a catalog, maps to
 * the status its kind promises (the same after crossing Temporal), and is documented in the
 * README's error table under that status.
 */

// The HTTP contract, written here independently of src/api/errors.ts.
const EXPECTED_STATUS: Record<FailureKind, number> = { malformed: 400, not_found: 404, conflict: 409, invalid: 422, gateway: 502, unavailable: 503, internal: 500 };

const SOURCE_DIRS = ['src', 'activities', 'workflows', 'workers'];
// The Stripe sandbox speaks Stripe's error codes, not ours; generated code is Prisma's.
const EXCLUDED = ['src/generated', 'src/devtools/stripe-sandbox'];

function sourceFiles(): Array<{ path: string; text: string }> {
  const walk = (dir: string): string[] =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (EXCLUDED.some((excluded) => path.startsWith(excluded))) return [];
      if (entry.isDirectory()) return walk(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  return SOURCE_DIRS.flatMap(walk).map((path) => ({ path, text: readFileSync(join(projectRoot, path), 'utf8') }));
}

/** Every code literal handed to something that throws or answers an error. */
function thrownCodes(): Map<string, string[]> {
  const patterns: Array<[RegExp, (match: string) => string]> = [
    [/\bfailure\(\s*'([a-z_]+)'/g, (code) => code],
    [/\brefuse\(\s*'([a-z_]+)'/g, (code) => code],
    [/\bnotFound\(\s*'([a-z_]+)'/g, (resource) => `${resource}_not_found`],
    [/\bnew ApiError\(\s*'([a-z_]+)'/g, (code) => code],
    [/\bunauthorized\(\s*'([a-z_]+)'/g, (code) => code],
    [/\berrorBody\(\s*'([a-z_]+)'/g, (code) => code],
    [/\bnew DomainError\(\s*'([a-z_]+)'/g, (code) => code],
  ];
  const found = new Map<string, string[]>();
  for (const { path, text } of sourceFiles()) {
    for (const [pattern, toCode] of patterns) {
      for (const match of text.matchAll(pattern)) {
        const code = toCode(match[1] ?? '');
        found.set(code, [...(found.get(code) ?? []), path]);
      }
    }
  }
  return found;
}

/** The README's error table: status → the codes listed in its row. */
function documentedCodes(): Map<number, Set<string>> {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('### Rate limits'));
  const rows = new Map<number, Set<string>>();
  for (const line of section.split('\n')) {
    const row = /^\| (\d{3}) \|.*\| ([^|]+) \|$/.exec(line);
    if (row) rows.set(Number(row[1]), new Set([...(row[2] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? '')));
  }
  return rows;
}

const billingCodes = Object.keys(FAILURE_CATALOG) as FailureCode[];
const apiCodes = Object.keys(API_FAILURES) as ApiFailureCode[];

describe('the failure vocabulary', () => {
  it('knows every code the code base throws', () => {
    const known = new Set<string>([...billingCodes, ...apiCodes]);
    const unknown = [...thrownCodes()].filter(([code]) => !known.has(code)).map(([code, paths]) => `${code} (${paths.join(', ')})`);
    expect(unknown).toEqual([]);
    // The scan is not vacuous: it finds the codes of all four layers.
    const thrown = thrownCodes();
    for (const code of ['price_in_use', 'subscription_not_paused', 'invalid_api_key', 'invalid_decimal', 'invoice_not_found']) expect(thrown.has(code)).toBe(true);
  });

  it('has no failure built outside the vocabulary: ApplicationFailures are made in the two translators only', () => {
    const translators = ['activities/failures.ts', 'workflows/refusals.ts'];
    const offenders = sourceFiles()
      .filter(({ path, text }) => !translators.includes(path) && /ApplicationFailure\.(nonRetryable|create|retryable)\(/.test(text))
      .map(({ path }) => relative('.', path));
    expect(offenders).toEqual([]);
  });

  it.each(billingCodes)('%s answers the status of its kind, directly and after crossing Temporal', (code) => {
    const kind = FAILURE_CATALOG[code];
    const direct = toErrorResponse(failure(code, `refused: ${code}`, { id: 'x' }));
    expect(direct?.status).toBe(EXPECTED_STATUS[kind]);
    const crossed = billingErrorFromTemporal(
      new WorkflowUpdateFailedError('update failed', ApplicationFailure.nonRetryable(`refused: ${code}`, code, toFailureWire(failure(code, 'x', { id: 'x' })))),
    );
    expect(crossed).toMatchObject({ code, kind, details: { id: 'x' } });
    expect(toErrorResponse(crossed)?.status).toBe(EXPECTED_STATUS[kind]);
  });

  it.each(billingCodes)('%s is documented under its status in the README', (code) => {
    const response = toErrorResponse(failure(code, 'x'));
    // The billing layer's input check reaches clients as the API's own invalid_request.
    expect(documentedCodes().get(response?.status ?? 0)?.has(response?.code ?? '')).toBe(true);
  });

  it.each(apiCodes)('%s (HTTP layer) is documented under its status in the README', (code) => {
    const status = new ApiError(code, 'x').status;
    expect(documentedCodes().get(status)?.has(code)).toBe(true);
  });

  it('documents no code the code base cannot give', () => {
    const known = new Set<string>([...billingCodes, ...apiCodes].map((code) => (code === 'invalid_input' ? 'invalid_request' : code)));
    const documented = [...documentedCodes().values()].flatMap((codes) => [...codes]);
    expect(documented.filter((code) => !known.has(code))).toEqual([]);
  });
});
