import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_URL_POLICY, STRICT_URL_POLICY } from '../../../../src/billing/webhook-endpoints/address-policy.js';
import { assertSafeWebhookUrl } from '../../../../src/billing/webhook-endpoints/webhook-url.js';
import { postWebhook } from '../../../../src/billing/webhook-endpoints/webhook-transport.js';
import { isBillingError } from '../../../../src/billing/failures.js';

/** Names resolved as a DNS server might answer them, for the checks at registration and at delivery. */
const DNS: Record<string, string[]> = {
  'hooks.example': ['93.184.215.14'],
  'metadata.google.internal': ['169.254.169.254'],
  'internal.example': ['93.184.215.14', '10.0.0.5'], // one bad address is enough to refuse
  'rebind.example': ['127.0.0.1'],
};
const resolve = async (host: string) => DNS[host] ?? [];

async function refusal(url: string, policy = STRICT_URL_POLICY): Promise<string | null> {
  try {
    await assertSafeWebhookUrl(url, policy, resolve);
    return null;
  } catch (error) {
    if (!isBillingError(error, 'invalid_webhook_url')) throw error;
    return error.details.reason as string;
  }
}

describe('webhook URLs at registration (a production server)', () => {
  it('accepts public https, by name or address', async () => {
    expect(await refusal('https://hooks.example/billing')).toBeNull();
    expect(await refusal('https://93.184.215.14:8443/x')).toBeNull();
    // A name that does not resolve yet is accepted: every delivery resolves it again.
    expect(await refusal('https://not-yet.example/x')).toBeNull();
  });

  it('refuses names resolving to metadata, private or loopback addresses, and loopback itself', async () => {
    expect(await refusal('https://metadata.google.internal/computeMetadata/v1/')).toBe('private_address');
    expect(await refusal('https://internal.example/')).toBe('private_address');
    expect(await refusal('https://rebind.example/')).toBe('private_address');
    expect(await refusal('https://localhost/')).toBe('private_address');
    expect(await refusal('http://127.0.0.1:8080/')).toBe('private_address');
  });

  it('refuses http, other schemes and credentials', async () => {
    expect(await refusal('http://hooks.example/')).toBe('scheme');
    expect(await refusal('gopher://hooks.example/')).toBe('scheme');
    expect(await refusal('https://a:b@hooks.example/')).toBe('credentials');
    expect(await refusal(`https://hooks.example/${'x'.repeat(2100)}`)).toBe('too_long');
  });

  it('a development server also takes plain http to loopback, never to a private address', async () => {
    expect(await refusal('http://127.0.0.1:8080/', DEVELOPMENT_URL_POLICY)).toBeNull();
    expect(await refusal('http://localhost:8080/', DEVELOPMENT_URL_POLICY)).toBeNull();
    expect(await refusal('http://10.0.0.5/', DEVELOPMENT_URL_POLICY)).toBe('private_address');
    expect(await refusal('http://hooks.example/', DEVELOPMENT_URL_POLICY)).toBe('scheme');
  });
});

describe('webhook URLs at delivery', () => {
  let server: ReturnType<typeof createServer>;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
  });

  const lookupTo = (address: string) => ((_host: string, _options: unknown, callback: (e: Error | null, a: Array<{ address: string; family: number }>) => void) => callback(null, [{ address, family: 4 }])) as never;

  it('a name that now resolves to a loopback or private address (DNS rebinding) is not connected to', async () => {
    const outcome = await postWebhook({ url: `https://rebind.example:${port}/`, headers: {}, body: '{}', policy: STRICT_URL_POLICY, lookup: lookupTo('127.0.0.1') });
    expect(outcome).toMatchObject({ kind: 'error', refused: true });
    const outcome2 = await postWebhook({ url: `http://rebind.example:${port}/`, headers: {}, body: '{}', policy: DEVELOPMENT_URL_POLICY, lookup: lookupTo('169.254.169.254') });
    expect(outcome2).toMatchObject({ kind: 'error', refused: true });
    expect(hits).toBe(0);
  });

  it('an address literal is checked before any connection', async () => {
    expect(await postWebhook({ url: `https://169.254.169.254/latest`, headers: {}, body: '{}', policy: DEVELOPMENT_URL_POLICY })).toMatchObject({ kind: 'error', refused: true, durationMs: 0 });
  });

  it('a loopback receiver answers on a development server, with its status and body; a slow one times out', async () => {
    expect(await postWebhook({ url: `http://localhost:${port}/`, headers: {}, body: '{}', policy: DEVELOPMENT_URL_POLICY, lookup: lookupTo('127.0.0.1') })).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
    const slow = createServer(() => undefined);
    await new Promise<void>((done) => slow.listen(0, '127.0.0.1', () => done()));
    const outcome = await postWebhook({ url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, headers: {}, body: '{}', policy: DEVELOPMENT_URL_POLICY, timeoutMs: 300 });
    slow.closeAllConnections();
    await new Promise<void>((done) => slow.close(() => done()));
    expect(outcome).toMatchObject({ kind: 'error', refused: false });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
  });
});
