import Stripe from 'stripe';
import { TracedStripeHttpClient } from './traced-stripe-http-client.js';

export interface StripeClientOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 for the local sandbox; Stripe itself when absent. */
  apiBase?: string;
  /**
   * The SDK's own retries reuse the idempotency key, so they are safe; Temporal retries on top
   * of them with the same key, so even exhausted SDK retries never double-charge.
   */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

/**
 * Defaults sized to the charge activity's 30 s start-to-close: at most 2 × 10 s plus a back-off,
 * so the client always gives up (and Temporal retries with the same key) before the activity's
 * timeout would declare the attempt lost.
 */
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_NETWORK_RETRIES = 1;

export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  return new Stripe(options.secretKey, {
    maxNetworkRetries: options.maxNetworkRetries ?? DEFAULT_NETWORK_RETRIES,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    telemetry: false,
    // Node's http through the SDK's own client, with a span per request when tracing is on.
    httpClient: new TracedStripeHttpClient(),
    appInfo: { name: 'durable-billing', version: '0.1.0' },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? '443' : '80'),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}
