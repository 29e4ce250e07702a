import { describe, expect, it } from 'vitest';
import { CLAIM_LEASE_MS, IdempotencyStore, KEY_RETENTION_MS, type IdempotentRequest } from '../../../src/idempotency/idempotency-store.js';
import { requestFingerprint } from '../../../src/api/idempotency/request-fingerprint.js';
import { subscriptionWorkflowId } from '../../../src/temporal/workflow-ids.js';
import { useApiHarness, type ApiHarness, type ApiResponse, type ApiTenant } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * The Idempotency-Key header over HTTP, against the real database and workflows, and the store
 * behind it directly. Effects are counted in the database, not inferred from responses.
 */

let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

const prisma = () => api.h.db.prisma;

async function created(response: Promise<ApiResponse>, label: string): Promise<any> {
  const r = await response;
  if (r.status >= 300) throw new Error(`${label}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A customer with a working card, a product and two monthly prices (20.00 and 50.00). */
async function catalog(t: ApiTenant) {
  const customer = await created(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'idem@example.com' } }), 'customer');
  await created(api.request('POST', `/v1/customers/${customer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }), 'payment method');
  const product = await created(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Pro' } }), 'product');
  const price = async (amount: number) =>
    (await created(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount }, interval: { unit: 'month' } } }), 'price')).id as string;
  return { customerId: customer.id as string, basic: await price(2000), pro: await price(5000) };
}

/** A subscription on `priceId`, once its first invoice is paid and it is active. */
async function activeSubscription(t: ApiTenant, customerId: string, priceId: string): Promise<any> {
  const sub = await created(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items: [{ priceId }] } }), 'subscription');
  await eventually(
    () => api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key }),
    (r) => r.body.status === 'active',
  );
  return sub;
}

function replayed(r: ApiResponse): string | null {
  return r.headers.get('idempotent-replayed');
}

describe('Idempotency-Key over HTTP', () => {
  it('replays a customer create: same status, same body, Idempotent-Replayed, one row', async () => {
    const t = await api.tenant();
    const body = { currency: 'usd', email: 'once@example.com', name: 'Once', metadata: { a: 1, b: 'two' } };
    const first = await api.request('POST', '/v1/customers', { key: t.key, body, idempotencyKey: 'create-customer-1' });
    expect(first.status).toBe(201);
    expect(replayed(first)).toBeNull();
    const second = await api.request('POST', '/v1/customers', { key: t.key, body, idempotencyKey: 'create-customer-1' });
    expect(second.status).toBe(201);
    expect(replayed(second)).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await prisma().customer.count({ where: { tenantId: t.tenantId } })).toBe(1);
  });

  it('compares JSON bodies by meaning: key order (at every level) and whitespace do not matter', async () => {
    const t = await api.tenant();
    const product = await created(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Order' } }), 'product');
    const first = await api.request('POST', '/v1/prices', {
      key: t.key,
      idempotencyKey: 'order-1',
      rawBody: `{"productId":"${product.id}","currency":"USD","pricing":{"model":"graduated","tiers":[{"upTo":10,"unitAmount":100},{"upTo":null,"unitAmount":50}]},"interval":{"unit":"month","count":1}}`,
    });
    expect(first.status).toBe(201);
    const reordered = await api.request('POST', '/v1/prices', {
      key: t.key,
      idempotencyKey: 'order-1',
      rawBody: `{ "interval": { "count": 1, "unit": "month" },\n  "pricing": { "tiers": [ {"unitAmount": 100, "upTo": 10}, {"unitAmount": 50, "upTo": null} ], "model": "graduated" },\n  "currency": "USD", "productId": "${product.id}" }`,
    });
    expect(reordered.status).toBe(201);
    expect(replayed(reordered)).toBe('true');
    expect(reordered.body).toEqual(first.body);
    expect(await prisma().price.count({ where: { tenantId: t.tenantId } })).toBe(1);
    // Array order is meaning, though: tiers swapped is another body.
    const swapped = await api.request('POST', '/v1/prices', {
      key: t.key,
      idempotencyKey: 'order-1',
      rawBody: `{"productId":"${product.id}","currency":"USD","pricing":{"model":"graduated","tiers":[{"upTo":null,"unitAmount":50},{"upTo":10,"unitAmount":100}]},"interval":{"unit":"month","count":1}}`,
    });
    expect(swapped.status).toBe(409);
    expect(swapped.body.error.code).toBe('idempotency_key_reused');
  });

  it('refuses the same key with another body (409 idempotency_key_reused) and changes nothing', async () => {
    const t = await api.tenant();
    const first = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'reused', body: { currency: 'usd', email: 'a@example.com' } });
    expect(first.status).toBe(201);
    const other = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'reused', body: { currency: 'usd', email: 'b@example.com' } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(other.body.error.details).toEqual([expect.objectContaining({ field: 'header.Idempotency-Key', differs: 'body' })]);
    expect(replayed(other)).toBeNull();
    expect(await prisma().customer.count({ where: { tenantId: t.tenantId } })).toBe(1);
  });

  it('refuses the same key on another path (409 idempotency_key_reused)', async () => {
    const t = await api.tenant();
    expect((await api.request('POST', '/v1/products', { key: t.key, idempotencyKey: 'path-key', body: { name: 'A' } })).status).toBe(201);
    const elsewhere = await api.request('POST', '/v1/coupons', { key: t.key, idempotencyKey: 'path-key', body: { code: 'TEN', percentOff: '10', duration: 'once' } });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.code).toBe('idempotency_key_reused');
    expect(elsewhere.body.error.details).toEqual([expect.objectContaining({ differs: 'path' })]);
    // Same body text, another path: still another request.
    const sameBody = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'path-key', body: { name: 'A' } });
    expect(sameBody.status).toBe(409);
    expect(sameBody.body.error.code).toBe('idempotency_key_reused');
    expect(await prisma().coupon.count({ where: { tenantId: t.tenantId } })).toBe(0);
    expect(await prisma().product.count({ where: { tenantId: t.tenantId } })).toBe(1);
  });

  it('keeps keys per tenant: another tenant uses the same key string freely', async () => {
    const a = await api.tenant();
    const b = await api.tenant();
    const body = { currency: 'usd', email: 'shared@example.com' };
    const fromA = await api.request('POST', '/v1/customers', { key: a.key, idempotencyKey: 'shared-key', body });
    // Same key, same path, same body: B gets its own customer, not A's replayed.
    const fromB = await api.request('POST', '/v1/customers', { key: b.key, idempotencyKey: 'shared-key', body });
    // Same key, another body: no 409 either.
    const fromB2 = await api.request('POST', '/v1/products', { key: b.key, idempotencyKey: 'shared-key-2', body: { name: 'B' } });
    const fromA2 = await api.request('POST', '/v1/customers', { key: a.key, idempotencyKey: 'shared-key-2', body: { currency: 'eur' } });
    expect([fromA.status, fromB.status, fromB2.status, fromA2.status]).toEqual([201, 201, 201, 201]);
    expect(replayed(fromB)).toBeNull();
    expect(fromB.body.id).not.toBe(fromA.body.id);
    expect(await prisma().customer.count({ where: { tenantId: a.tenantId } })).toBe(2);
    expect(await prisma().customer.count({ where: { tenantId: b.tenantId } })).toBe(1);
    // And A's key still replays A's answer.
    const againA = await api.request('POST', '/v1/customers', { key: a.key, idempotencyKey: 'shared-key', body });
    expect(replayed(againA)).toBe('true');
    expect(againA.body.id).toBe(fromA.body.id);
  });

  it('does not store a 400: the fixed body may reuse the key', async () => {
    const t = await api.tenant();
    const bad = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'fix-me', body: { currency: 12, email: 'not-an-email' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect(await prisma().idempotencyKey.count({ where: { tenantId: t.tenantId } })).toBe(0);
    const fixed = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'fix-me', body: { currency: 'usd', email: 'fixed@example.com' } });
    expect(fixed.status).toBe(201);
    expect(replayed(fixed)).toBeNull();
    expect(fixed.body.email).toBe('fixed@example.com');
    const again = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'fix-me', body: { currency: 'usd', email: 'fixed@example.com' } });
    expect(replayed(again)).toBe('true');
    expect(await prisma().customer.count({ where: { tenantId: t.tenantId } })).toBe(1);
  });

  it('replays a subscription create and a credit adjustment: one subscription, one ledger entry', async () => {
    const t = await api.tenant();
    const { customerId, basic } = await catalog(t);
    const body = { customerId, items: [{ priceId: basic }] };
    const first = await api.request('POST', '/v1/subscriptions', { key: t.key, idempotencyKey: 'sub-once', body });
    expect(first.status).toBe(201);
    const second = await api.request('POST', '/v1/subscriptions', { key: t.key, idempotencyKey: 'sub-once', body });
    expect(second.status).toBe(201);
    expect(replayed(second)).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await prisma().subscription.count({ where: { tenantId: t.tenantId } })).toBe(1);

    const adjustment = { amount: 700, currency: 'USD', reason: 'goodwill' };
    const credit1 = await api.request('POST', `/v1/customers/${customerId}/credit-balance/adjustments`, { key: t.key, idempotencyKey: 'credit-once', body: adjustment });
    const credit2 = await api.request('POST', `/v1/customers/${customerId}/credit-balance/adjustments`, { key: t.key, idempotencyKey: 'credit-once', body: adjustment });
    expect([credit1.status, credit2.status]).toEqual([201, 201]);
    expect(replayed(credit2)).toBe('true');
    expect(credit2.body).toEqual(credit1.body);
    expect(await prisma().creditBalanceTransaction.count({ where: { tenantId: t.tenantId, customerId, reason: 'goodwill' } })).toBe(1);
  });

  it('20 concurrent identical subscription creates with one key: one row, one running workflow, 20 identical answers', async () => {
    const t = await api.tenant();
    const { customerId, basic } = await catalog(t);
    const body = { customerId, items: [{ priceId: basic, quantity: 1 }] };
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.request('POST', '/v1/subscriptions', { key: t.key, idempotencyKey: 'sub-race', body })));
    const statuses = answers.map((a) => `${a.status}${a.status === 409 ? `:${a.body.error.code}` : ''}`);
    expect(statuses).toEqual(Array.from({ length: 20 }, () => '201'));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
    expect(answers.filter((a) => replayed(a) === null)).toHaveLength(1);
    expect(await prisma().subscription.count({ where: { tenantId: t.tenantId } })).toBe(1);
    expect(await prisma().subscriptionItem.count({ where: { subscriptionId: answers[0]!.body.id } })).toBe(1);
    // One workflow: its id is the subscription's, and it has a single run.
    const description = await api.h.env.client.workflow.getHandle(subscriptionWorkflowId(answers[0]!.body.id)).describe();
    expect(description.status.name).toBe('RUNNING');
    const history = await api.h.env.client.workflow.getHandle(subscriptionWorkflowId(answers[0]!.body.id)).fetchHistory();
    expect(history.events?.filter((e) => e.workflowExecutionStartedEventAttributes)).toHaveLength(1);
    // And it bills once: one first invoice.
    const invoices = await eventually(
      () => api.request('GET', `/v1/invoices?subscriptionId=${answers[0]!.body.id}`, { key: t.key }),
      (r) => r.body.data?.some((i: any) => i.status === 'paid') === true,
    );
    expect(invoices.body.data).toHaveLength(1);
    expect(invoices.body.data[0].total).toBe(2000); // one flat fee of 20.00
  });

  it('10 concurrent credit adjustments with one key: one ledger entry, the balance moved once', async () => {
    const t = await api.tenant();
    const { customerId } = await catalog(t);
    const body = { amount: 1234, currency: 'USD', reason: 'race' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.request('POST', `/v1/customers/${customerId}/credit-balance/adjustments`, { key: t.key, idempotencyKey: 'credit-race', body })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 201));
    for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
    expect(await prisma().creditBalanceTransaction.count({ where: { tenantId: t.tenantId, customerId } })).toBe(1);
    const balance = await api.request('GET', `/v1/customers/${customerId}/credit-balance`, { key: t.key });
    expect(balance.body.balances).toEqual([{ currency: 'USD', amount: 1234 }]);
  });

  it('applies an item change repeated with one key once: one proration invoice with one pair of lines', async () => {
    const t = await api.tenant();
    const { customerId, basic, pro } = await catalog(t);
    const sub = await activeSubscription(t, customerId, basic);
    // A day into the period, so the proration is not all or nothing.
    await api.h.skipTo((await api.h.env.currentTimeMs()) + 86_400_000);
    const change = { items: [{ priceId: pro }], prorationBehavior: 'always_invoice', effective: 'now' };
    const first = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, idempotencyKey: 'upgrade-1', body: change });
    expect(first.status).toBe(200);
    expect(first.body.changeId).toMatch(/^chg_/); // derived from the key and its claim, so a retry names the same change
    const second = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, idempotencyKey: 'upgrade-1', body: change });
    const third = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, idempotencyKey: 'upgrade-1', body: { ...change } });
    expect([second.status, third.status]).toEqual([200, 200]);
    expect(replayed(second)).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);

    const got = await eventually(
      () => api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key }),
      (r) => r.body.live?.items?.[0]?.priceId === pro,
    );
    expect(got.body.items.map((i: any) => [i.priceId, i.quantity])).toEqual([[pro, 1]]);
    expect(got.body.live.items).toEqual([{ priceId: pro, quantity: 1 }]);
    expect([got.body.live.pendingProrations, got.body.live.currency]).toEqual([0, 'USD']);

    const list = await api.request('GET', `/v1/invoices?subscriptionId=${sub.id}`, { key: t.key });
    const prorationInvoices = list.body.data.filter((i: any) => i.kind === 'proration');
    expect(prorationInvoices).toHaveLength(1);
    expect(list.body.data).toHaveLength(2); // the first period's invoice and the proration invoice
    const invoice = await api.request('GET', `/v1/invoices/${prorationInvoices[0].id}`, { key: t.key });
    const lines = invoice.body.lines.filter((l: any) => l.kind === 'proration');
    expect(lines).toHaveLength(2);
    expect(lines[0].amount < 0 && lines[1].amount > 0).toBe(true);
    expect(invoice.body.lines).toHaveLength(2);
    expect(await prisma().invoiceLine.count({ where: { invoice: { subscriptionId: sub.id }, kind: 'proration' } })).toBe(2);
  });

  it('answers a changeId reused for a different change with 409 change_id_reused, leaving the first change as it was', async () => {
    const t = await api.tenant();
    const { customerId, basic, pro } = await catalog(t);
    const sub = await activeSubscription(t, customerId, basic);
    const upgrade = { changeId: 'move-to-pro', items: [{ priceId: pro }], prorationBehavior: 'none', effective: 'now' };
    const first = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, body: upgrade });
    expect([first.status, first.body.status]).toEqual([200, 'applied']);
    // The same changeId and body again: the first answer, applied once.
    const repeat = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, body: upgrade });
    expect([repeat.status, repeat.body]).toEqual([200, first.body]);
    // The same changeId asking for something else: refused, not answered with the first result.
    for (const other of [{ ...upgrade, items: [{ priceId: basic }] }, { ...upgrade, prorationBehavior: 'always_invoice' }]) {
      const reused = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, body: other });
      expect(reused.status).toBe(409);
      expect(reused.body.error.code).toBe('change_id_reused');
      expect(reused.body.error.message).toContain('move-to-pro');
    }
    const got = await api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key });
    expect(got.body.live.items).toEqual([{ priceId: pro, quantity: 1 }]);
    expect(await prisma().invoice.count({ where: { subscriptionId: sub.id } })).toBe(1); // prorationBehavior none: only the first period's
  });

  it('refuses malformed keys with 400 invalid_idempotency_key and stores nothing', async () => {
    const t = await api.tenant();
    const body = { currency: 'usd' };
    for (const bad of ['k'.repeat(256), 'has space', 'clé', 'tab\there', '']) {
      const r = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: bad, body });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('invalid_idempotency_key');
      expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'header.Idempotency-Key' })]);
    }
    expect(await prisma().customer.count({ where: { tenantId: t.tenantId } })).toBe(0);
    expect(await prisma().idempotencyKey.count({ where: { tenantId: t.tenantId } })).toBe(0);
    // The longest allowed key works.
    const longest = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'k'.repeat(255), body });
    expect(longest.status).toBe(201);
  });
});

describe('IdempotencyStore', () => {
  function request(tenantId: string, key: string, body = '{"a":1}', path = '/v1/customers'): IdempotentRequest {
    return { tenantId, key, method: 'POST', path, fingerprint: requestFingerprint('POST', path, body) };
  }

  it('lets exactly one of 10 concurrent claims win', async () => {
    const t = await api.tenant();
    const store = new IdempotencyStore(prisma());
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, () => store.claim(request(t.tenantId, 'race'), now)));
    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in_progress')).toHaveLength(9);
    // Once completed, everyone replays.
    await store.complete(request(t.tenantId, 'race'), 201, { id: 'x' }, now);
    const after = await Promise.all(Array.from({ length: 5 }, () => store.claim(request(t.tenantId, 'race'), now + 1)));
    expect(after).toEqual(Array.from({ length: 5 }, () => ({ kind: 'replay', status: 201, body: { id: 'x' } })));
  });

  it('lets a retry take over a claim whose lease expired, and only one of several', async () => {
    const t = await api.tenant();
    const store = new IdempotencyStore(prisma());
    const now = Date.now();
    expect(await store.claim(request(t.tenantId, 'lease'), now)).toMatchObject({ kind: 'claimed' });
    expect(await store.claim(request(t.tenantId, 'lease'), now + CLAIM_LEASE_MS - 1)).toEqual({ kind: 'in_progress' });
    const later = now + CLAIM_LEASE_MS + 1;
    const takeovers = await Promise.all(Array.from({ length: 5 }, () => store.claim(request(t.tenantId, 'lease'), later)));
    expect(takeovers.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    const row = await prisma().idempotencyKey.findUniqueOrThrow({ where: { tenantId_key: { tenantId: t.tenantId, key: 'lease' } } });
    expect(row.lockedUntil?.getTime()).toBe(later + CLAIM_LEASE_MS);
    // The lease does not excuse another body.
    expect(await store.claim(request(t.tenantId, 'lease', '{"a":2}'), later + 2 * CLAIM_LEASE_MS)).toEqual({ kind: 'mismatch', differs: 'body' });
  });

  it('treats a key past its 24 h retention as new', async () => {
    const t = await api.tenant();
    const store = new IdempotencyStore(prisma());
    const now = Date.now();
    for (const key of ['old-same', 'old-other']) {
      expect(await store.claim(request(t.tenantId, key), now)).toMatchObject({ kind: 'claimed' });
      await store.complete(request(t.tenantId, key), 201, { id: key }, now);
      await prisma().idempotencyKey.update({
        where: { tenantId_key: { tenantId: t.tenantId, key } },
        data: { createdAt: new Date(now - KEY_RETENTION_MS - 60_000) },
      });
    }
    // Within retention it would replay or refuse; past it, both are fresh claims.
    expect(await store.claim(request(t.tenantId, 'old-same'), now)).toMatchObject({ kind: 'claimed' });
    expect(await store.claim(request(t.tenantId, 'old-other', '{"b":2}', '/v1/products'), now)).toMatchObject({ kind: 'claimed' });
    const row = await prisma().idempotencyKey.findUniqueOrThrow({ where: { tenantId_key: { tenantId: t.tenantId, key: 'old-other' } } });
    expect(row.state).toBe('in_progress');
    expect(row.path).toBe('/v1/products');
    expect(row.createdAt.getTime()).toBe(now);
    // Exactly at the boundary it is expired too (createdAt + retention <= now).
    await prisma().idempotencyKey.update({ where: { tenantId_key: { tenantId: t.tenantId, key: 'old-same' } }, data: { state: 'completed', responseStatus: 200, createdAt: new Date(now - KEY_RETENTION_MS) } });
    expect(await store.claim(request(t.tenantId, 'old-same'), now)).toMatchObject({ kind: 'claimed' });
    // And purging drops only expired rows.
    await prisma().idempotencyKey.update({ where: { tenantId_key: { tenantId: t.tenantId, key: 'old-same' } }, data: { createdAt: new Date(now - KEY_RETENTION_MS - 1) } });
    expect(await store.purgeExpired(now)).toBeGreaterThanOrEqual(1);
    expect(await prisma().idempotencyKey.count({ where: { tenantId: t.tenantId } })).toBe(1);
  });

  it('separates tenants and refuses another path or body within retention', async () => {
    const a = await api.tenant();
    const b = await api.tenant();
    const store = new IdempotencyStore(prisma());
    const now = Date.now();
    expect(await store.claim(request(a.tenantId, 'k'), now)).toMatchObject({ kind: 'claimed' });
    expect(await store.claim(request(b.tenantId, 'k'), now)).toMatchObject({ kind: 'claimed' });
    expect(await store.claim(request(a.tenantId, 'k', '{"a":1}', '/v1/products'), now)).toEqual({ kind: 'mismatch', differs: 'path' });
    expect(await store.claim(request(a.tenantId, 'k', '{"a":3}'), now)).toEqual({ kind: 'mismatch', differs: 'body' });
    expect(await store.claim(request(a.tenantId, 'k', '{ "a" : 1 }'), now)).toEqual({ kind: 'in_progress' });
    await store.release(request(a.tenantId, 'k'));
    expect(await store.claim(request(a.tenantId, 'k', '{"a":3}'), now)).toMatchObject({ kind: 'claimed' });
  });
});

describe('Idempotency-Key reuse after retention (derived ids)', () => {
  // After the 24 h retention a key is new to the store; ids are derived from the key and the
  // instant it was claimed, so the new request makes a new customer rather than finding the old.
  it('creates a new customer when an expired key is reused with another body', async () => {
    const t = await api.tenant();
    const first = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'expired-key', body: { currency: 'usd', email: 'first@example.com' } });
    expect(first.status).toBe(201);
    await prisma().idempotencyKey.update({
      where: { tenantId_key: { tenantId: t.tenantId, key: 'expired-key' } },
      data: { createdAt: new Date(Date.now() - KEY_RETENTION_MS - 60_000) },
    });
    const second = await api.request('POST', '/v1/customers', { key: t.key, idempotencyKey: 'expired-key', body: { currency: 'eur', email: 'second@example.com' } });
    console.log('expired key reused:', second.status, JSON.stringify(second.body));
    expect(second.status).toBe(201);
    expect(second.body.email).toBe('second@example.com');
    expect(second.body.id).not.toBe(first.body.id);
  });
});
