import { runClients } from '../bench/bench-support.js';

/**
 * Signups as a careful client makes them while the system is being broken: every call carries
 * an Idempotency-Key and is retried (network errors, 5xx, 409 idempotency_in_progress) until it
 * is answered, so an outage delays a signup but never makes two.
 */
export interface SignupLoad {
  subscriptionIds: string[];
  /** When each subscription's create was answered (epoch ms). */
  createdAt: Map<string, number>;
  /** Calls answered with an error and retried. */
  retries: number;
}

interface Api {
  apiUrl: string;
  apiKey: string;
}

const RETRY_DEADLINE_MS = 180_000;

async function call<T>(api: Api, path: string, body: unknown, key: string, load: SignupLoad): Promise<T> {
  const deadline = Date.now() + RETRY_DEADLINE_MS;
  for (let wait = 100; ; wait = Math.min(2_000, wait * 2)) {
    let problem: string;
    try {
      const response = await fetch(`${api.apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as T;
      // 4xx other than a busy key is the request's own fault: retrying would not help.
      if (response.status < 500 && response.status !== 409 && response.status !== 429) throw new Error(`POST ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
      problem = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('POST ')) throw error;
      problem = (error as Error).message;
    }
    load.retries += 1;
    if (Date.now() > deadline) throw new Error(`POST ${path} still failing after ${RETRY_DEADLINE_MS / 1000} s: ${problem}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** `count` signups (customer, default card, subscription with `subscription` fields) at `clients` concurrent clients. */
export async function signUpBurst(api: Api, options: { count: number; clients: number; label: string; priceId: string; subscription?: Record<string, unknown>; load?: SignupLoad }): Promise<SignupLoad> {
  const load: SignupLoad = options.load ?? { subscriptionIds: [], createdAt: new Map(), retries: 0 };
  await runClients(options.count, options.clients, async (i) => {
    const label = `${options.label}-${i}`;
    const customer = await call<{ id: string }>(api, '/v1/customers', { currency: 'usd', email: `chaos-${label}@example.com` }, `chaos-${label}-customer`, load);
    await call(api, `/v1/customers/${customer.id}/default-payment-method`, { paymentMethodId: 'pm_card_visa' }, `chaos-${label}-card`, load);
    const created = await call<{ id: string }>(api, '/v1/subscriptions', { customerId: customer.id, items: [{ priceId: options.priceId }], ...options.subscription }, `chaos-${label}-subscription`, load);
    load.subscriptionIds.push(created.id);
    load.createdAt.set(created.id, Date.now());
  });
  return load;
}
