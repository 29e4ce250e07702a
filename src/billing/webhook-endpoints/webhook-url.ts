import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { failure } from '../failures.js';
import { addressAllowed, classifyAddress, type WebhookUrlPolicy } from './address-policy.js';

/** Resolves a host name to its addresses (dns.lookup, as connections do); injectable for tests. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

const MAX_URL_LENGTH = 2048;

function refuse(url: string, reason: string, message: string): never {
  throw failure('invalid_webhook_url', `The webhook URL ${message}`, { url, reason, fields: [{ path: 'url', message }] });
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Checks a webhook URL against the policy: https (http only to loopback where the policy allows
 * it), no credentials in it, and a host that is — or resolves only to — allowed addresses. A name
 * that does not resolve now is accepted (its DNS may come later); every delivery resolves it again
 * and connects only to an address that passes (webhook-transport.ts), so a later change of DNS
 * (rebinding) is caught where it matters.
 */
export async function assertSafeWebhookUrl(raw: string, policy: WebhookUrlPolicy, resolve: HostResolver = systemResolver): Promise<URL> {
  if (raw.length > MAX_URL_LENGTH) refuse(raw, 'too_long', `is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse(raw, 'malformed', 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(raw, 'scheme', 'must use https');
  if (url.username !== '' || url.password !== '') refuse(raw, 'credentials', 'must not carry a user name or password (use the signature to authenticate)');
  const host = hostOf(url);
  const literal = isIP(host) !== 0;
  // `localhost` and `*.localhost` are loopback by definition (RFC 6761), whatever a resolver says.
  const loopbackName = /^(.+\.)?localhost\.?$/i.test(host);
  const addresses = literal ? [host] : loopbackName ? ['127.0.0.1'] : await resolve(host).catch(() => [] as string[]);
  const loopbackOnly = addresses.length > 0 && addresses.every((address) => classifyAddress(address) === 'loopback');
  for (const address of addresses) {
    if (!addressAllowed(address, policy)) {
      refuse(raw, 'private_address', `resolves to ${address}, a private, loopback, link-local or reserved address (webhooks go to public addresses only)`);
    }
  }
  if (url.protocol === 'http:' && !(policy.allowLoopback && loopbackOnly)) refuse(raw, 'scheme', 'must use https (plain http is accepted only for a loopback receiver on a development server)');
  return url;
}
