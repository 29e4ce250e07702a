import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';
import { writeBillingNotices } from '../../../src/billing/events/write-billing-notices.js';

/**
 * Outbound events end to end: the API registers an endpoint on a real local receiver, the
 * subscription workflow's changes are relayed from the outbox, delivered by lane and delivery
 * workflows on the time-skipping server, signed per Standard Webhooks and verified with the
 * `standardwebhooks` package as a receiver would; emails go over SMTP to a real local catcher.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const receiver = new WebhookReceiver();
beforeAll(async () => {
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
});

const HOUR = 3_600_000;
const MINUTE = 60_000;

async function ok<T = any>(response: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled.body;
}

async function allEvents(t: ApiTenant): Promise<any[]> {
  const events: any[] = [];
  for (let cursor: string | null = null; ; ) {
    const page: any = await ok(api.request('GET', `/v1/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { key: t.key }));
    events.push(...page.data);
    if (!page.hasMore) return events.reverse(); // oldest first
    cursor = page.nextCursor;
  }
}

async function deliveries(t: ApiTenant, endpointId: string): Promise<any[]> {
  return (await ok(api.request('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`, { key: t.key }))).data;
}

/** Relays until every delivery of the endpoint has ended (or `done` holds). */
async function settle(t: ApiTenant, endpointId: string, done: (list: any[]) => boolean = (list) => list.length > 0 && list.every((d) => d.status !== 'pending')): Promise<any[]> {
  return eventually(
    async () => {
      await api.h.relay();
      return deliveries(t, endpointId);
    },
    done,
    30_000,
  );
}

async function catalog(t: ApiTenant) {
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Team plan' } }), 201);
  return ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1500 }, interval: { unit: 'month' } } }), 201);
}

describe('webhook endpoints: registration refuses dangerous URLs', () => {
  it.each([
    ['http://169.254.169.254/', 'the cloud metadata service'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local over https'],
    ['https://10.1.2.3/hook', 'a private network'],
    ['https://[fd00:ec2::254]/', 'the IPv6 metadata address'],
    ['https://[::ffff:192.168.1.1]/', 'a private IPv4 inside IPv6'],
    ['http://93.184.215.14/hook', 'plain http to a public host'],
    ['ftp://93.184.215.14/hook', 'not http'],
    ['https://user:secret@93.184.215.14/hook', 'credentials in the URL'],
    ['not a url', 'not a URL'],
  ])('%s (%s): 422 invalid_webhook_url, nothing stored', async (url) => {
    const t = await api.tenant();
    const refused = await api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url } });
    expect([refused.status, refused.body.error.code], JSON.stringify(refused.body)).toEqual([422, 'invalid_webhook_url']);
    expect(refused.body.error.details[0].field).toBe('body.url');
    expect((await ok(api.request('GET', '/v1/webhook-endpoints', { key: t.key }))).data).toEqual([]);
  });

  it('accepts a public https URL and a loopback receiver (this API runs as a development server); unknown event types are refused', async () => {
    const t = await api.tenant();
    const created = await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: 'https://93.184.215.14/hook', eventTypes: ['invoice.*', 'payment.failed'] } }), 201);
    expect(created).toMatchObject({ object: 'webhook_endpoint', url: 'https://93.184.215.14/hook', enabled: true, eventTypes: ['invoice.*', 'payment.failed'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: receiver.url } }), 201);
    const bad = await api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: receiver.url, eventTypes: ['invoice.exploded'] } });
    expect([bad.status, bad.body.error.code, bad.body.error.details[0].field]).toEqual([400, 'invalid_request', 'body.eventTypes.0']);
    // Only an admin key manages endpoints; a read-only key lists them but never sees the secret.
    const listed = await ok(api.request('GET', '/v1/webhook-endpoints', { key: t.readOnlyKey }));
    expect(listed.data).toHaveLength(2);
    expect(listed.data[0].secret).toBeUndefined();
    const secret = await api.request('GET', `/v1/webhook-endpoints/${created.id}/secret`, { key: t.readOnlyKey });
    expect([secret.status, secret.body.error.code]).toEqual([403, 'insufficient_role']);
  });
});

describe('a subscription through renewals, a failed payment and a cancel: every event signed, verifiable, once per webhook-id, in order per object', () => {
  it('delivers the whole journey and sends the customer its emails', async () => {
    const t = await api.tenant();
    receiver.received.splice(0);
    const endpoint = await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, idempotencyKey: 'endpoint-1', body: { url: receiver.url, description: 'ERP' } }), 201);
    const price = await catalog(t);
    const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'ada@example.com', name: 'Ada' } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
    const start = utc(Y + 1, 3, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: price.id }], startAt: new Date(start).toISOString() } }), 201);
    await api.h.skipTo(start + MINUTE);
    await eventually(() => api.h.invoices(sub.id), (list) => list[0]?.status === 'paid');
    // Goodwill credit of $5.00, which April's invoice uses: $15.00 − $5.00 = $10.00 charged.
    await ok(api.request('POST', `/v1/customers/${buyer.id}/credit-balance/adjustments`, { key: t.key, body: { amount: 500, currency: 'USD', reason: 'goodwill' } }), 201);
    // April renews on the same card.
    await api.h.skipTo(utc(Y + 1, 4, 1) + MINUTE);
    await eventually(() => api.h.invoices(sub.id), (list) => list[1]?.status === 'paid');
    // May's charge is declined (a card that fails), then the subscription is canceled at once.
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_chargeCustomerFail' } }));
    await api.h.skipTo(utc(Y + 1, 5, 1) + MINUTE);
    await eventually(() => api.h.invoices(sub.id), (list) => (list[2]?.paymentAttempts.length ?? 0) >= 1);
    await ok(api.request('POST', `/v1/subscriptions/${sub.id}/cancel`, { key: t.key, body: { mode: 'now' } }));
    await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'canceled');

    const events = await eventually(() => allEvents(t), (list) => list.some((e) => e.type === 'subscription.canceled'));
    const settled = await settle(t, endpoint.id, (list) => list.length >= events.length && list.every((d) => d.status === 'succeeded'));
    const types = new Set(events.map((e) => e.type));
    for (const type of ['customer.created', 'subscription.created', 'subscription.updated', 'subscription.canceled', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'payment.succeeded', 'payment.failed', 'credit_balance.adjusted']) {
      expect(types, type).toContain(type);
    }
    expect(settled).toHaveLength(events.length);

    // Every event arrived, signed with the endpoint's secret; a webhook-id always carries the same body.
    const byId = new Map<string, string>();
    for (const request of receiver.received) {
      expect(WebhookReceiver.verifies(request, endpoint.secret), request.id).toBe(true);
      expect(request.event.id).toBe(request.id);
      expect(byId.get(request.id) ?? request.body).toBe(request.body);
      byId.set(request.id, request.body);
    }
    expect([...byId.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    // What a receiver gets is exactly what the event log shows.
    const one = events.find((e) => e.type === 'invoice.payment_failed');
    expect(JSON.parse(byId.get(one.id)!)).toEqual(one);
    expect(one).toMatchObject({ object: 'event', apiVersion: '2026-12-01', tenantId: t.tenantId, relatedObject: { type: 'invoice' }, data: { customerId: buyer.id, subscriptionId: sub.id, reason: 'declined' } });
    // Amounts in the API's convention: integers of minor units, the currency once.
    const finalizedEvent = events.find((e) => e.type === 'invoice.finalized');
    expect(finalizedEvent.data).toMatchObject({ amountDue: expect.any(Number), total: expect.any(Number), currency: 'USD' });
    expect(JSON.parse(byId.get(finalizedEvent.id)!).data).toEqual(finalizedEvent.data);
    // In order per object: the first arrival of each event follows the order of the event log.
    const firstArrival = [...new Set(receiver.received.map((r) => r.id))];
    const objects = new Set(events.map((e) => `${e.relatedObject.type}:${e.relatedObject.id}`));
    for (const object of objects) {
      const logged = events.filter((e) => `${e.relatedObject.type}:${e.relatedObject.id}` === object).map((e) => e.id);
      expect(firstArrival.filter((id) => logged.includes(id)), object).toEqual(logged);
    }
    // The log filters by type and by object.
    const paidOnly = await ok(api.request('GET', `/v1/events?type=invoice.paid`, { key: t.key }));
    expect(paidOnly.data.map((e: any) => e.type)).toEqual(['invoice.paid', 'invoice.paid']);
    const aboutSub = await ok(api.request('GET', `/v1/events?objectId=${sub.id}&type=subscription.*&limit=100`, { key: t.key }));
    expect(aboutSub.data.length).toBeGreaterThan(3);
    expect(aboutSub.data.every((e: any) => e.type.startsWith('subscription.') && e.data.subscriptionId === sub.id)).toBe(true);
    expect((await ok(api.request('GET', `/v1/events/${one.id}`, { key: t.key }))).id).toBe(one.id);

    // The customer's emails: invoice finalized ×3, two receipts ($15.00 for March, $10.00 for April), the failed payment ($15.00), the cancellation.
    const catcher = await api.h.mail.catcher();
    const mail = await eventually(
      async () => catcher.messages().filter((m) => m.to.includes('ada@example.com')),
      (list) => list.length >= 7,
      20_000,
    );
    const subjects = mail.map((m) => m.subject).sort();
    expect(subjects.filter((s) => s.startsWith('Invoice '))).toHaveLength(3);
    expect(subjects.filter((s) => s.startsWith('Receipt: ')).map((s) => s.slice(0, 'Receipt: 10.00 USD'.length))).toEqual(['Receipt: 10.00 USD', 'Receipt: 15.00 USD']);
    expect(subjects.filter((s) => s.startsWith('Payment of 15.00 USD failed'))).toHaveLength(1);
    expect(subjects.filter((s) => s.includes('subscription has ended'))).toHaveLength(1);
    const finalized = mail.find((m) => m.subject.startsWith('Invoice ') && m.subject.endsWith('10.00 USD due'))!;
    expect(finalized.text).toContain('10.00 USD');
    expect(finalized.from).toContain('billing@example.test');
    const link = /http:\/\/billing\.test(\/hosted\/invoices\/[A-Za-z0-9_-]+)/.exec(finalized.text)?.[1];
    expect(link).toBeDefined();
    const hosted = await api.app.request(link!);
    expect(hosted.status).toBe(200);
    const page = await hosted.text();
    // April: $15.00 total, $5.00 credit applied, $10.00 due and paid.
    expect(page).toContain('15.00 USD');
    expect(page).toContain('Credit applied');
    expect(page).toContain('10.00 USD');
    const failed = mail.find((m) => m.subject.startsWith('Payment of'))!;
    expect(failed.text).toMatch(/We will try again on \d+ May|We will not try again/);
    // Each email is recorded once per event, sent.
    const notifications = await ok(api.request('GET', `/v1/email-notifications?customerId=${buyer.id}&limit=100`, { key: t.key }));
    expect(notifications.data.filter((n: any) => n.status === 'sent')).toHaveLength(mail.length);
    // Relaying again sends nothing twice.
    await api.h.relay();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(catcher.messages().filter((m) => m.to.includes('ada@example.com'))).toHaveLength(mail.length);
  });
});

describe('a receiver that fails: retries, Retry-After, replays, 410, five days failing, rotation and test calls', () => {
  const rx = new WebhookReceiver();
  beforeAll(async () => {
    await rx.start('/flaky');
  });
  afterAll(async () => {
    await rx.stop();
  });

  async function newCustomer(t: ApiTenant, name: string) {
    return ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', name } }), 201);
  }

  it('retries on the schedule with one webhook-id, logs every attempt, honours Retry-After, and replays on request', async () => {
    const t = await api.tenant();
    const endpoint = await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: rx.url, eventTypes: ['customer.*'] } }), 201);
    await api.h.skipTo(utc(Y + 2, 1, 1));
    rx.received.splice(0);
    rx.reply = ({ count }) => (count <= 2 ? { status: 500, body: 'down for maintenance' } : { status: 200, body: 'ok' });
    const first = await newCustomer(t, 'Flaky one');
    // Attempt 1 at once (500); attempt 2 five seconds later (500); attempt 3 five minutes after that (200).
    let [delivery] = await settle(t, endpoint.id, (list) => list[0]?.attemptCount === 1);
    expect(delivery).toMatchObject({ status: 'pending', lastResponseStatus: 500 });
    // The next attempt is due 5 s (±10%) after the first.
    const wait = Date.parse(delivery.nextAttemptAt) - Date.parse(delivery.lastAttemptAt);
    expect(wait).toBeGreaterThanOrEqual(4_500);
    expect(wait).toBeLessThanOrEqual(5_500);
    await api.h.skipTo((await api.h.env.currentTimeMs()) + 6_000);
    [delivery] = await settle(t, endpoint.id, (list) => list[0]?.attemptCount === 2);
    expect(Date.parse(delivery.nextAttemptAt) - Date.parse(delivery.lastAttemptAt)).toBeGreaterThanOrEqual(270_000);
    await api.h.skipTo((await api.h.env.currentTimeMs()) + 6 * MINUTE);
    [delivery] = await settle(t, endpoint.id, (list) => list[0]?.status === 'succeeded');
    expect(delivery.attempts.map((a: any) => [a.trigger, a.succeeded, a.responseStatus, a.responseBody])).toEqual([
      ['scheduled', false, 500, 'down for maintenance'],
      ['scheduled', false, 500, 'down for maintenance'],
      ['scheduled', true, 200, 'ok'],
    ]);
    expect(delivery.attempts.every((a: any) => Number.isInteger(a.durationMs) && a.durationMs >= 0)).toBe(true);
    const sent = rx.received.filter((r) => r.event.data.customerId === first.id);
    expect(sent.map((r) => r.id)).toEqual([delivery.eventId, delivery.eventId, delivery.eventId]);
    expect(sent.every((r) => WebhookReceiver.verifies(r, endpoint.secret))).toBe(true);

    // A replay: one more attempt now, same webhook-id, fresh signature.
    const replayed = await ok(api.request('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery.id}/retry`, { key: t.key, idempotencyKey: 'replay-1' }));
    expect(replayed.attempts.map((a: any) => a.trigger)).toEqual(['scheduled', 'scheduled', 'scheduled', 'replay']);
    expect(rx.received.at(-1)!.id).toBe(delivery.eventId);
    // The same Idempotency-Key does not send again.
    const again = await api.request('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery.id}/retry`, { key: t.key, idempotencyKey: 'replay-1' });
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(rx.received.filter((r) => r.id === delivery.eventId)).toHaveLength(4);

    // 503 with Retry-After: 2 hours — the next attempt waits two hours, not five seconds.
    rx.reply = ({ count }) => (count === 1 ? { status: 503, headers: { 'retry-after': '7200' } } : { status: 200 });
    const second = await newCustomer(t, 'Busy one');
    const [busy] = await settle(t, endpoint.id, (list) => list.some((d) => d.attemptCount === 1 && d.lastResponseStatus === 503));
    expect(Date.parse(busy.nextAttemptAt) - Date.parse(busy.lastAttemptAt)).toBeGreaterThanOrEqual(7_200_000);
    await api.h.skipTo((await api.h.env.currentTimeMs()) + HOUR);
    expect((await deliveries(t, endpoint.id)).find((d) => d.id === busy.id)).toMatchObject({ status: 'pending', attemptCount: 1 });
    await api.h.skipTo((await api.h.env.currentTimeMs()) + HOUR + 5 * MINUTE);
    const done = await settle(t, endpoint.id, (list) => list.find((d) => d.id === busy.id)?.status === 'succeeded');
    expect(done.find((d) => d.id === busy.id).attempts.map((a: any) => a.responseStatus)).toEqual([503, 200]);
    expect(rx.received.filter((r) => r.event.data.customerId === second.id)).toHaveLength(2);
  });

  it('a test call answers at once; a rotated secret signs beside the new one until it expires', async () => {
    const t = await api.tenant();
    rx.reply = () => ({ status: 204 });
    const endpoint = await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: rx.url, eventTypes: ['customer.created'] } }), 201);
    const tested = await ok(api.request('POST', `/v1/webhook-endpoints/${endpoint.id}/test`, { key: t.key }));
    expect(tested).toMatchObject({ object: 'webhook_delivery', eventType: 'webhook_endpoint.test', status: 'succeeded', attempts: [{ trigger: 'test', succeeded: true, responseStatus: 204 }] });
    const ping = rx.received.at(-1)!;
    expect([ping.event.type, ping.event.data.endpointId, WebhookReceiver.verifies(ping, endpoint.secret)]).toEqual(['webhook_endpoint.test', endpoint.id, true]);

    const rotated = await ok(api.request('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { key: t.key, body: { expiresInHours: 1 } }));
    expect(rotated.secret).not.toBe(endpoint.secret);
    await newCustomer(t, 'During rotation');
    await settle(t, endpoint.id, (list) => list.filter((d) => d.eventType === 'customer.created' && d.status === 'succeeded').length === 1);
    const during = rx.received.at(-1)!;
    expect(during.signature.split(' ')).toHaveLength(2);
    expect([WebhookReceiver.verifies(during, endpoint.secret), WebhookReceiver.verifies(during, rotated.secret)]).toEqual([true, true]);
    await api.h.skipTo((await api.h.env.currentTimeMs()) + 2 * HOUR);
    await newCustomer(t, 'After rotation');
    await settle(t, endpoint.id, (list) => list.filter((d) => d.eventType === 'customer.created' && d.status === 'succeeded').length === 2);
    const after = rx.received.at(-1)!;
    expect(after.signature.split(' ')).toHaveLength(1);
    expect([WebhookReceiver.verifies(after, endpoint.secret), WebhookReceiver.verifies(after, rotated.secret)]).toEqual([false, true]);
  });

  it('410 Gone disables the endpoint at once (with an event); nothing more is delivered until it is enabled again', async () => {
    const t = await api.tenant();
    const endpoint = await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: rx.url, eventTypes: ['customer.*'] } }), 201);
    const watcher = await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: receiver.url, eventTypes: ['webhook_endpoint.*'] } }), 201);
    rx.reply = () => ({ status: 410 });
    await newCustomer(t, 'Gone one');
    const [gone] = await settle(t, endpoint.id);
    expect(gone).toMatchObject({ status: 'endpoint_disabled', attemptCount: 1, lastResponseStatus: 410 });
    expect(await ok(api.request('GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: t.key }))).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const disabled = await ok(api.request('GET', `/v1/events?type=webhook_endpoint.disabled`, { key: t.key }));
    expect(disabled.data.map((e: any) => [e.data.endpointId, e.data.reason])).toEqual([[endpoint.id, 'gone']]);
    // The other endpoint, which wants webhook_endpoint.* events, is told.
    await settle(t, watcher.id, (list) => list.some((d) => d.eventType === 'webhook_endpoint.disabled' && d.status === 'succeeded'));
    // Disabled: no new deliveries, and a replay is refused.
    rx.reply = () => ({ status: 200 });
    await newCustomer(t, 'Unheard');
    await api.h.relay();
    expect(await deliveries(t, endpoint.id)).toHaveLength(1);
    const refused = await api.request('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${gone.id}/retry`, { key: t.key });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'webhook_endpoint_disabled']);
    // Enabled again, the missed delivery can be replayed.
    expect(await ok(api.request('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { key: t.key, body: { enabled: true } }))).toMatchObject({ enabled: true, disabledReason: null });
    const replayed = await ok(api.request('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${gone.id}/retry`, { key: t.key }));
    expect(replayed).toMatchObject({ status: 'succeeded' });
  });

  it('an endpoint failing for five days is disabled; one delivery gives up after its eighth attempt', async () => {
    const t = await api.tenant();
    const endpoint = await ok(api.request('POST', '/v1/webhook-endpoints', { key: t.key, body: { url: rx.url, eventTypes: ['customer.created'] } }), 201);
    rx.reply = () => ({ status: 500 });
    const start = utc(Y + 3, 1, 1);
    await api.h.skipTo(start);
    await newCustomer(t, 'Never heard 1');
    await settle(t, endpoint.id, (list) => list[0]?.attemptCount === 1);
    // The whole schedule: 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h ≈ 27.6 h (±10% each).
    for (let hour = 1; hour <= 32; hour++) {
      await api.h.skipTo(start + hour * HOUR);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [failed] = await settle(t, endpoint.id, (list) => list[0]?.status === 'failed');
    expect(failed.attempts.map((a: any) => a.trigger)).toEqual(Array(8).fill('scheduled'));
    expect(await ok(api.request('GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: t.key }))).toMatchObject({ enabled: true, failingSince: new Date(Date.parse(failed.attempts[0].attemptedAt)).toISOString() });
    // Five days after the first failure, the next failure disables it.
    await api.h.skipTo(start + 5 * 24 * HOUR + HOUR);
    await newCustomer(t, 'Never heard 2');
    const list = await settle(t, endpoint.id, (all) => all.length === 2 && all.every((d) => d.status !== 'pending'));
    expect(list.map((d) => d.status).sort()).toEqual(['endpoint_disabled', 'failed']);
    expect(await ok(api.request('GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: t.key }))).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const events = await ok(api.request('GET', `/v1/events?type=webhook_endpoint.disabled&objectId=${endpoint.id}`, { key: t.key }));
    expect(events.data[0].data).toMatchObject({ endpointId: endpoint.id, reason: 'failing', failingSince: failed.attempts[0].attemptedAt });
  });
});

describe('email templates', () => {
  it('a tenant template replaces the default; one that does not compile is refused with the part named; turned off, nothing is sent', async () => {
    const t = await api.tenant();
    const broken = await api.request('PUT', '/v1/email-templates/invoice_finalized', { key: t.key, body: { subject: 'Invoice {{#if invoice.number}} unclosed' } });
    expect([broken.status, broken.body.error.code, broken.body.error.details[0].field]).toEqual([422, 'invalid_email_template', 'body.subject']);
    const saved = await ok(api.request('PUT', '/v1/email-templates/invoice_finalized', { key: t.key, body: { subject: '[{{tenant.name}}] {{invoice.number}}: please pay {{invoice.amountDue}}', html: '<p>Pay {{invoice.amountDue}} for {{customer.name}}</p>' } }));
    expect(saved).toMatchObject({ kind: 'invoice_finalized', source: 'tenant', enabled: true, event: 'invoice.finalized' });
    const templates = await ok(api.request('GET', '/v1/email-templates', { key: t.key }));
    expect(templates.data.map((x: any) => [x.kind, x.source])).toEqual([
      ['invoice_finalized', 'tenant'],
      ['payment_failed', 'default'],
      ['payment_succeeded', 'default'],
      ['trial_ending', 'default'],
      ['upcoming_renewal', 'default'],
      ['subscription_canceled', 'default'],
    ]);
    await ok(api.request('PUT', '/v1/email-templates/payment_succeeded', { key: t.key, body: { enabled: false } }));

    const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'grace@example.com', name: '<b>Grace</b>' } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
    const invoice = await ok(api.request('POST', '/v1/invoices', { key: t.key, body: { customerId: buyer.id, items: [{ description: 'Workshop', unitAmount: 4250 }] } }), 201);
    const catcher = await api.h.mail.catcher();
    const notifications = await eventually(
      async () => {
        await api.h.relay();
        return (await ok(api.request('GET', `/v1/email-notifications?customerId=${buyer.id}`, { key: t.key }))).data as any[];
      },
      (list) => list.length === 2 && list.every((n) => n.status !== 'pending'),
      30_000,
    );
    expect(notifications.map((n) => [n.kind, n.status]).sort()).toEqual([
      ['invoice_finalized', 'sent'],
      ['payment_succeeded', 'skipped'],
    ]);
    expect(notifications.find((n) => n.kind === 'payment_succeeded').error).toBe('the tenant turned this email off');
    const mail = catcher.messages().find((m) => m.to.includes('grace@example.com'))!;
    // $42.50 due; the customer's name is escaped in HTML, as written in text.
    expect(mail.subject).toBe(`[${mail.from.replace(/^"?([^"]*)"? <.*$/, '$1')}] ${invoice.number}: please pay 42.50 USD`);
    expect(mail.html).toContain('Pay 42.50 USD for &lt;b&gt;Grace&lt;/b&gt;');
    expect(mail.headers['x-billing-event-id']).toBe(notifications.find((n) => n.kind === 'invoice_finalized').eventId);
  });
});

describe('the emails of time passing: a trial ending and an upcoming renewal', () => {
  it('the billing-notices job writes subscription.trial_will_end and invoice.upcoming once; each sends its email', async () => {
    const t = await api.tenant();
    const price = await catalog(t);
    const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'lin@example.com', name: 'Lin' } }), 201);
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
    const start = utc(Y + 4, 2, 1);
    await api.h.skipTo(start - HOUR);
    // A 14-day trial from February 1: it ends February 15, then renews monthly from there.
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: price.id }], startAt: new Date(start).toISOString(), trialDays: 14 } }), 201);
    await api.h.skipTo(start + MINUTE);
    await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'trialing');
    // February 12 12:00: the trial ends within three days.
    await api.h.skipTo(utc(Y + 4, 2, 12, 12));
    expect(await writeBillingNotices(api.h.db.prisma, { now: await api.h.env.currentTimeMs() })).toMatchObject({ trialWillEnd: 1 });
    expect(await writeBillingNotices(api.h.db.prisma, { now: await api.h.env.currentTimeMs() })).toMatchObject({ trialWillEnd: 0 });
    // After the trial: paid, active, renewing March 15; March 9 is within the 7-day notice.
    await api.h.skipTo(utc(Y + 4, 2, 15) + MINUTE);
    await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'active');
    await api.h.skipTo(utc(Y + 4, 3, 9));
    expect(await writeBillingNotices(api.h.db.prisma, { now: await api.h.env.currentTimeMs() })).toMatchObject({ upcoming: 1 });

    const catcher = await api.h.mail.catcher();
    const mail = await eventually(
      async () => {
        await api.h.relay();
        return catcher.messages().filter((m) => m.to.includes('lin@example.com'));
      },
      (list) => list.some((m) => m.subject.includes('trial ends')) && list.some((m) => m.subject.includes('renews on')),
      30_000,
    );
    const trial = mail.find((m) => m.subject.includes('trial ends'))!;
    expect(trial.subject).toMatch(new RegExp(`trial ends on 15 February ${Y + 4}$`));
    expect(trial.text).toContain('Your saved payment method will then be charged.');
    const renewal = mail.find((m) => m.subject.includes('renews on'))!;
    expect(renewal.subject).toMatch(new RegExp(`renews on 15 March ${Y + 4}$`));
    expect(renewal.text).toContain('- Team plan × 1');
    const events = await ok(api.request('GET', `/v1/events?objectId=${sub.id}&type=subscription.trial_will_end,invoice.upcoming`, { key: t.key }));
    expect(events.data.map((e: any) => e.type)).toEqual(['invoice.upcoming', 'subscription.trial_will_end']);
    expect(events.data[0].data).toMatchObject({ subscriptionId: sub.id, customerId: buyer.id, renewsAt: new Date(utc(Y + 4, 3, 15)).toISOString() });
  });
});
