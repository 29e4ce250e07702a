import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64 (Svix's shape). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The three Standard Webhooks headers for one delivery attempt. */
export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs `id.timestamp.body` (HMAC-SHA256, by the `standardwebhooks` package) with every secret
 * given — the current one first, then a rotated-out one still within its grace period — as
 * space-separated `v1,<base64>` entries, so a receiver that knows either secret verifies.
 */
export function signDelivery(input: { id: string; timestampSeconds: number; body: string; secrets: readonly string[] }): SignedHeaders {
  const at = new Date(input.timestampSeconds * 1000);
  const signatures = input.secrets.map((secret) => new Webhook(secret).sign(input.id, at, input.body));
  return { 'webhook-id': input.id, 'webhook-timestamp': String(input.timestampSeconds), 'webhook-signature': signatures.join(' ') };
}

/** The secrets that sign at `now`: the current one, and the previous one until it expires. */
export function signingSecrets(endpoint: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, now: Date): string[] {
  const previousLive = endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt.getTime() > now.getTime();
  return previousLive ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}
