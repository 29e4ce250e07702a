import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { addressAllowed, classifyAddress, DEVELOPMENT_URL_POLICY, STRICT_URL_POLICY } from '../../../../src/billing/webhook-endpoints/address-policy.js';
import { wantsEvent } from '../../../../src/billing/webhook-endpoints/endpoint-input.js';
import { newWebhookSecret, signDelivery, signingSecrets } from '../../../../src/billing/webhook-endpoints/signing.js';
import { parseRetryAfter } from '../../../../src/billing/webhook-endpoints/webhook-transport.js';

describe('which addresses webhooks may reach', () => {
  it.each([
    ['169.254.169.254', 'forbidden'], // cloud metadata
    ['169.254.0.1', 'forbidden'],
    ['10.0.0.1', 'forbidden'],
    ['172.16.0.1', 'forbidden'],
    ['172.31.255.255', 'forbidden'],
    ['192.168.1.1', 'forbidden'],
    ['100.64.0.1', 'forbidden'], // carrier-grade NAT
    ['0.0.0.0', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
    ['198.18.0.1', 'forbidden'],
    ['192.0.2.1', 'forbidden'],
    ['127.0.0.1', 'loopback'],
    ['127.8.8.8', 'loopback'],
    ['::1', 'loopback'],
    ['::', 'forbidden'],
    ['fe80::1', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'], // AWS IPv6 metadata
    ['fc00::1', 'forbidden'],
    ['ff02::1', 'forbidden'],
    ['::ffff:169.254.169.254', 'forbidden'], // IPv4-mapped
    ['::ffff:a9fe:a9fe', 'forbidden'], // the same, in hex
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'forbidden'], // NAT64 of 10.0.0.1
    ['[::1]', 'loopback'],
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['example.com', 'forbidden'], // not an address at all
  ])('%s is %s', (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });

  it('loopback only for a development server; private never', () => {
    expect([addressAllowed('127.0.0.1', STRICT_URL_POLICY), addressAllowed('127.0.0.1', DEVELOPMENT_URL_POLICY)]).toEqual([false, true]);
    expect([addressAllowed('10.0.0.1', STRICT_URL_POLICY), addressAllowed('10.0.0.1', DEVELOPMENT_URL_POLICY)]).toEqual([false, false]);
  });

  it('every address of 10/8, 172.16/12, 192.168/16 and 169.254/16, in any spelling the mapped form allows, is forbidden', () => {
    const private4 = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
    );
    fc.assert(
      fc.property(private4, (octets) => {
        const dotted = octets.join('.');
        const hex = `::ffff:${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
        return [dotted, `::ffff:${dotted}`, hex].every((address) => !addressAllowed(address, DEVELOPMENT_URL_POLICY));
      }),
    );
  });
});

describe('event type filters', () => {
  it('empty means every type; exact types and `object.*` prefixes', () => {
    expect(wantsEvent([], 'invoice.paid')).toBe(true);
    expect(wantsEvent(['invoice.*'], 'invoice.paid')).toBe(true);
    expect(wantsEvent(['invoice.*'], 'invoice_item.created')).toBe(false);
    expect(wantsEvent(['payment.failed'], 'payment.succeeded')).toBe(false);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, caps at ten hours, ignores garbage', () => {
    const now = Date.UTC(2026, 11, 3, 12);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter('999999', now)).toBe(36_000_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
  });
});

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks package; during a rotation with either secret; tampering fails', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', data: { invoiceId: 'in_1' } });
    const timestampSeconds = Math.floor(Date.now() / 1000);
    const headers = signDelivery({ id: 'evt_1', timestampSeconds, body, secrets: [current, previous] });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+ v1,[A-Za-z0-9+/=]+$/);
    for (const secret of [current, previous]) expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(current).verify(body.replace('in_1', 'in_2'), { ...headers })).toThrow();
    expect(() => new Webhook(current).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow();
  });

  it('the previous secret signs until it expires, then only the current one', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const endpoint = { secret: 'whsec_new', previousSecret: 'whsec_old', previousSecretExpiresAt: new Date(now.getTime() + 1) };
    expect(signingSecrets(endpoint, now)).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(endpoint, new Date(now.getTime() + 1))).toEqual(['whsec_new']);
    expect(signingSecrets({ ...endpoint, previousSecret: null, previousSecretExpiresAt: null }, now)).toEqual(['whsec_new']);
  });
});
