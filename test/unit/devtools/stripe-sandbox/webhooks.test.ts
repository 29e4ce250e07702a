import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHarness, startSandbox } from './sandbox-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const SECRET = 'whsec_sandbox_test_secret';
const verifier = new Stripe('sk_test_verifier');

let receiver: WebhookReceiver;
let h: SandboxHarness;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  h = await startSandbox({ seed: 21 });
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});
afterEach(() => {
  h.sandbox.reset();
  receiver.received.length = 0;
  receiver.failNext(0);
});

const pay = (invoiceId: string) =>
  h.stripe.paymentIntents.create({ amount: 2_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { invoice_id: invoiceId } });

describe('webhooks', () => {
  it('delivers every event after the API answered, signed with Stripe’s scheme (verified by the SDK)', async () => {
    h.sandbox.configureWebhooks({ url: receiver.url, secret: SECRET });
    const pi = await pay('inv_1');
    await h.sandbox.flushWebhooks();
    expect(receiver.received.map((r) => r.type)).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    for (const delivery of receiver.received) {
      const event = await verifier.webhooks.constructEventAsync(delivery.payload, delivery.signature, SECRET);
      expect(event).toMatchObject({ object: 'event', livemode: false, pending_webhooks: 1, api_version: Stripe.API_VERSION });
      expect(event.request?.id).toMatch(/^req_/);
      expect(event.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
    }
    const succeeded = await verifier.webhooks.constructEventAsync(receiver.received[2]?.payload ?? '', receiver.received[2]?.signature ?? '', SECRET);
    expect(succeeded.type === 'payment_intent.succeeded' && succeeded.data.object.id).toBe(pi.id);
    expect(receiver.received.map((r) => r.eventId)).toEqual(h.sandbox.events().map((e) => e.id));
  });

  it('a signature made with another secret does not verify', async () => {
    h.sandbox.configureWebhooks({ url: receiver.url, secret: SECRET });
    await pay('inv_2');
    await h.sandbox.flushWebhooks();
    const delivery = receiver.received[0];
    await expect(verifier.webhooks.constructEventAsync(delivery?.payload ?? '', delivery?.signature ?? '', 'whsec_other')).rejects.toBeInstanceOf(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('retries after the receiver answers 500, re-signing each attempt', async () => {
    h.sandbox.configureWebhooks({ url: receiver.url, secret: SECRET, maxAttempts: 5 });
    receiver.failNext(2, 500);
    await h.stripe.customers.create({ email: 'retry@example.com' });
    await h.sandbox.flushWebhooks();
    expect(receiver.received.map((r) => r.type)).toEqual(['customer.created', 'customer.created', 'customer.created']);
    expect(new Set(receiver.received.map((r) => r.eventId)).size).toBe(1);
    const last = receiver.received.at(-1);
    await expect(verifier.webhooks.constructEventAsync(last?.payload ?? '', last?.signature ?? '', SECRET)).resolves.toBeDefined();
  });

  it('gives up after maxAttempts', async () => {
    h.sandbox.configureWebhooks({ url: receiver.url, secret: SECRET, maxAttempts: 2 });
    receiver.failNext(10, 503);
    await h.stripe.customers.create({});
    await h.sandbox.flushWebhooks();
    expect(receiver.received).toHaveLength(2);
  });

  it('an unreachable endpoint is retried and then abandoned without affecting the API', async () => {
    const lines: string[] = [];
    const lonely = await startSandbox({ seed: 1, webhook: { url: 'http://127.0.0.1:9/unreachable', secret: SECRET, maxAttempts: 2 }, log: (l) => lines.push(l) });
    await lonely.stripe.customers.create({});
    await lonely.sandbox.flushWebhooks();
    await lonely.close();
    expect(lines.some((l) => l.includes('abandoned after 2 attempts'))).toBe(true);
  });

  it('duplicateRate 1 sends every event twice with the same id', async () => {
    h.sandbox.configureWebhooks({ url: receiver.url, secret: SECRET, duplicateRate: 1 });
    await pay('inv_3');
    await h.sandbox.flushWebhooks();
    const ids = receiver.received.map((r) => r.eventId);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(3);
  });

  it('reorder shuffles each batch (seeded): same events, another order', async () => {
    h.sandbox.configureWebhooks({ url: receiver.url, secret: SECRET, reorder: true });
    const orders: string[][] = [];
    for (let i = 0; i < 5; i++) {
      receiver.received.length = 0;
      await pay(`inv_r${i}`);
      await h.sandbox.flushWebhooks();
      orders.push(receiver.received.map((r) => r.type));
    }
    const created = ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded'];
    for (const order of orders) expect([...order].sort()).toEqual([...created].sort());
    expect(orders.some((order) => order.join() !== created.join())).toBe(true);
  });

  it('events created while no endpoint is configured are not delivered later', async () => {
    await h.stripe.customers.create({});
    h.sandbox.configureWebhooks({ url: receiver.url, secret: SECRET });
    await h.sandbox.flushWebhooks();
    expect(receiver.received).toHaveLength(0);
    expect(h.sandbox.events()[0]?.pending_webhooks).toBe(0);
  });
});
