import { stackCpu, type DevStackPids } from './dev-stack.js';
import { untilIdle } from './process-cpu.js';

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
export function untilQuiet(pids: DevStackPids, timeoutMs = 60_000): Promise<void> {
  return untilIdle(() => {
    const cpu = stackCpu(pids);
    return cpu === null ? null : [cpu.node, cpu.postgres, cpu.temporal];
  }, 500, timeoutMs);
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

/** The benches' plan: $12.34 a month, charged at the start. */
export async function createBenchPrice(api: ApiClient): Promise<string> {
  const product = await api.post<{ id: string }>('/v1/products', { name: 'Bench plan' });
  return (await api.post<{ id: string }>('/v1/prices', { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1234 }, interval: { unit: 'month' } })).id;
}

/**
 * A signup as a client makes it: the customer, a card as its default, the subscription (with
 * `subscription` fields such as a billing cycle anchor added to the create).
 */
export async function signUp(api: ApiClient, priceId: string, label: string, subscription: Record<string, unknown> = {}): Promise<{ subscriptionId: string }> {
  const customer = await api.post<{ id: string }>('/v1/customers', { currency: 'usd', email: `bench-${label}@example.com` });
  await api.post(`/v1/customers/${customer.id}/default-payment-method`, { paymentMethodId: 'pm_card_visa' });
  const created = await api.post<{ id: string }>('/v1/subscriptions', { customerId: customer.id, items: [{ priceId }], ...subscription }, { 'idempotency-key': `bench-${label}` });
  return { subscriptionId: created.id };
}

/** Successful charges per invoice id, counted from the Stripe sandbox's ledger (the gateway's own record). */
export async function successfulChargesByInvoice(sandboxUrl: string): Promise<Map<string, number>> {
  const ledger = (await (await fetch(`${sandboxUrl}/_sandbox/ledger`)).json()) as Array<{ status: string; metadata?: Record<string, string> }>;
  const succeeded = new Map<string, number>();
  for (const charge of ledger) {
    const invoiceId = charge.metadata?.invoice_id;
    if (charge.status === 'succeeded' && invoiceId !== undefined) succeeded.set(invoiceId, (succeeded.get(invoiceId) ?? 0) + 1);
  }
  return succeeded;
}
