import { stackCpu, type DevStackPids } from './dev-stack.js';

/** A positive number from the environment, or the fallback. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/** The value at quantile `q` of ascending `sorted` (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Runs `work(0..count-1)` on `clients` concurrent workers; the first failure fails the run. */
export async function runClients(count: number, clients: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(clients, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Polls `check` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function waitUntil(timeoutMs: number, check: () => Promise<boolean>, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Waits until the whole stack is idle (under 5% of a core per process over half a second, at most
 * `timeoutMs`), so a repetition never pays for the work the previous one left running.
 */
export async function untilQuiet(pids: DevStackPids, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const windowMs = 500;
  while (Date.now() < deadline) {
    const before = stackCpu(pids);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = stackCpu(pids);
    if (before === null || after === null) return;
    const busy = (['node', 'postgres', 'temporal'] as const).some((part) => (after[part] - before[part]) / (windowMs / 1000) >= 0.05);
    if (!busy) return;
  }
}

export interface ApiClient {
  post<T = unknown>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  get<T = unknown>(path: string): Promise<T>;
}

/** JSON over HTTP with the stack's demo key; anything but 2xx throws with the answer. */
export function apiClient(stack: { apiUrl: string; apiKey: string }): ApiClient {
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  return {
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path) => call('GET', path),
  };
}
