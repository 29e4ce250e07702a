import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may not go (SSRF): every address that is not a public unicast one — private,
 * loopback, link-local (which holds the cloud metadata service, 169.254.169.254), carrier-grade
 * NAT, documentation, benchmarking, multicast and reserved ranges, their IPv6 counterparts, and
 * IPv4 smuggled inside IPv6 (mapped, NAT64).
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export type AddressVerdict = 'public' | 'loopback' | 'forbidden';

/** How an IP address stands for webhook delivery. Anything that is not an IP address is forbidden. */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'forbidden';
  if (family === 6) {
    const inner = embeddedIpv4(bare);
    if (inner !== null) return classifyAddress(inner);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(bare, type)) return 'loopback';
  return FORBIDDEN.check(bare, type) ? 'forbidden' : 'public';
}

/**
 * Which URLs a deployment accepts. `allowLoopback` is the development server's: plain http to
 * 127.0.0.1/::1/localhost (a receiver on the same machine); production accepts public https only.
 */
export interface WebhookUrlPolicy {
  allowLoopback: boolean;
}

export const STRICT_URL_POLICY: WebhookUrlPolicy = { allowLoopback: false };
export const DEVELOPMENT_URL_POLICY: WebhookUrlPolicy = { allowLoopback: true };

/** Whether `address` may be connected to under `policy`. */
export function addressAllowed(address: string, policy: WebhookUrlPolicy): boolean {
  const verdict = classifyAddress(address);
  return verdict === 'public' || (verdict === 'loopback' && policy.allowLoopback);
}
