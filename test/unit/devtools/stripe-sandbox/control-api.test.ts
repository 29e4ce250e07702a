import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStripeSandbox, SANDBOX_SECRET_KEY, type LedgerCharge, type StripeEventShape } from '../../../../src/devtools/stripe-sandbox/index.js';

const form = (body: string, key?: string): RequestInit => ({
  method: 'POST',
  headers: {
    Authorization: `Bearer ${SANDBOX_SECRET_KEY}`,
    'Content-Type': 'application/x-www-form-urlencoded',
    ...(key === undefined ? {} : { 'Idempotency-Key': key }),
  },
  body,
});
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('control API under /_sandbox (app.request, no server)', () => {
  it('drives faults, 3-D Secure, disputes, the ledger, events and reset over HTTP', async () => {
    const { app } = createStripeSandbox({ seed: 1 });
    expect((await app.request('/_sandbox/faults/next', json('POST', { kind: 'server_error', path: '/v1/payment_intents' }))).status).toBe(200);
    const body = 'amount=1200&currency=usd&payment_method=pm_card_authenticationRequired&confirm=true&metadata[invoice_id]=inv_9';
    expect((await app.request('/v1/payment_intents', form(body, 'k1'))).status).toBe(500);
    const created = await app.request('/v1/payment_intents', form(body, 'k1'));
    const pi = (await created.json()) as { id: string; status: string };
    expect(pi.status).toBe('requires_action');

    expect((await app.request(`/_sandbox/payment_intents/${pi.id}/authenticate`, json('POST', {}))).status).toBe(200);
    const ledger = (await (await app.request('/_sandbox/ledger')).json()) as LedgerCharge[];
    expect(ledger).toMatchObject([{ paymentIntentId: pi.id, status: 'succeeded', metadata: { invoice_id: 'inv_9' } }]);

    expect((await app.request(`/_sandbox/charges/${ledger[0]?.id}/dispute`, { method: 'POST' })).status).toBe(200);
    const opened = (await (await app.request('/_sandbox/events')).json()) as StripeEventShape[];
    const disputeId = (opened.at(-1)?.data.object as { id: string }).id;
    expect((await app.request(`/_sandbox/disputes/${disputeId}/close`, json('POST', { outcome: 'lost' }))).status).toBe(200);
    expect((await app.request(`/_sandbox/disputes/${disputeId}/close`, json('POST', { outcome: 'won' }))).status).toBeGreaterThanOrEqual(400);
    const events = (await (await app.request('/_sandbox/events')).json()) as StripeEventShape[];
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'charge.succeeded',
      'payment_intent.succeeded',
      'charge.dispute.created',
      'charge.dispute.closed',
    ]);
    expect(events.at(-1)?.data.object).toMatchObject({ id: disputeId, status: 'lost' });

    expect((await app.request('/_sandbox/reset', { method: 'POST' })).status).toBe(200);
    expect(await (await app.request('/_sandbox/ledger')).json()).toEqual([]);
  });

  it("declines a customer's next charges with a chosen code on a working card, counts them down, and can be cleared", async () => {
    const { app } = createStripeSandbox({ seed: 1 });
    const customer = (await (await app.request('/v1/customers', form('email=d@example.com'))).json()) as { id: string };
    await app.request(`/v1/payment_methods/pm_card_visa/attach`, form(`customer=${customer.id}`));
    const pay = async (key: string) => {
      const response = await app.request('/v1/payment_intents', form(`amount=500&currency=usd&customer=${customer.id}&payment_method=pm_card_visa&confirm=true&off_session=true`, key));
      const body = (await response.json()) as { status?: string; error?: { code: string; decline_code: string } };
      return [response.status, body.status ?? body.error?.decline_code];
    };
    expect((await app.request(`/_sandbox/customers/${customer.id}/decline-charges`, json('POST', { declineCode: 'insufficient_funds', count: 2 }))).status).toBe(200);
    // Two declined as the issuer would (402 card_error, insufficient_funds), then the card pays again.
    expect([await pay('a'), await pay('b'), await pay('c')]).toEqual([[402, 'insufficient_funds'], [402, 'insufficient_funds'], [200, 'succeeded']]);
    // Without a count, every charge declines until cleared.
    await app.request(`/_sandbox/customers/${customer.id}/decline-charges`, json('POST', { declineCode: 'lost_card' }));
    expect([await pay('d'), await pay('e')]).toEqual([[402, 'lost_card'], [402, 'lost_card']]);
    expect((await app.request(`/_sandbox/customers/${customer.id}/decline-charges`, { method: 'DELETE' })).status).toBe(200);
    expect(await pay('f')).toEqual([200, 'succeeded']);
    // The ledger shows the failed charges with their codes.
    const ledger = (await (await app.request('/_sandbox/ledger')).json()) as LedgerCharge[];
    expect(ledger.map((c) => c.declineCode)).toEqual(['insufficient_funds', 'insufficient_funds', null, 'lost_card', 'lost_card', null]);
    // An unknown code or customer is refused, naming what is accepted.
    const unknownCode = await app.request(`/_sandbox/customers/${customer.id}/decline-charges`, json('POST', { declineCode: 'insufficient_fund' }));
    expect(unknownCode.status).toBe(400);
    expect(((await unknownCode.json()) as { error: { message: string } }).error.message).toContain('insufficient_funds');
    expect((await app.request('/_sandbox/customers/cus_nobody/decline-charges', json('POST', { declineCode: 'lost_card' }))).status).toBe(404);
  });

  it('without a socket to destroy, drop_after_commit answers a retryable 500 over a committed result', async () => {
    const sandbox = createStripeSandbox({ seed: 1 });
    const { app } = sandbox;
    await app.request('/_sandbox/faults/next', json('POST', { kind: 'drop_after_commit' }));
    const body = 'amount=1200&currency=usd&payment_method=pm_card_visa&confirm=true';
    const dropped = await app.request('/v1/payment_intents', form(body, 'k2'));
    expect(dropped.status).toBe(500);
    expect(dropped.headers.get('stripe-should-retry')).toBe('true');
    const replay = await app.request('/v1/payment_intents', form(body, 'k2'));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(sandbox.ledger()).toHaveLength(1);
  });

  it('rejects bad control input with 400 and a readable message, and unknown objects with resource_missing', async () => {
    const { app } = createStripeSandbox({ seed: 1 });
    const badFaults = await app.request('/_sandbox/faults', json('PUT', { rateLimitRate: 2 }));
    expect(badFaults.status).toBe(400);
    const badKind = await app.request('/_sandbox/faults/next', json('POST', { kind: 'explode' }));
    expect(badKind.status).toBe(400);
    const badWebhook = await app.request('/_sandbox/webhooks', json('PUT', { url: 'ftp://x', secret: 's' }));
    expect(badWebhook.status).toBe(400);
    expect((await app.request('/_sandbox/webhooks', json('PUT', null))).status).toBe(200);
    const missing = await app.request('/_sandbox/charges/ch_missing/dispute', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('resource_missing');
  });
});

describe('state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stripe-sandbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a restarted sandbox keeps its objects, ledger and idempotent results', async () => {
    const statePath = join(dir, 'state.json');
    const first = createStripeSandbox({ seed: 1, statePath });
    const body = 'amount=5000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[invoice_id]=inv_1';
    const created = (await (await first.app.request('/v1/payment_intents', form(body, 'invoice:inv_1:attempt:1'))).json()) as { id: string };

    const restarted = createStripeSandbox({ seed: 1, statePath });
    expect(restarted.successfulChargesFor('invoice_id', 'inv_1')).toHaveLength(1);
    const replay = await restarted.app.request('/v1/payment_intents', form(body, 'invoice:inv_1:attempt:1'));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);
    const retrieved = await restarted.app.request(`/v1/payment_intents/${created.id}`, { headers: { Authorization: `Bearer ${SANDBOX_SECRET_KEY}` } });
    expect(((await retrieved.json()) as { status: string }).status).toBe('succeeded');
    expect(restarted.ledger()).toHaveLength(1);
  });
});
