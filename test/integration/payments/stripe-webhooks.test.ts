import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { money } from '../../../src/domain/index.js';
import type { PaymentEvent, PaymentEventSink } from '../../../src/payments/payment-events.js';
import { StripeWebhookProcessor } from '../../../src/payments/webhooks/stripe-webhook-processor.js';
import { paymentCorrections } from '../../../src/billing/invoices/record-payment-correction.js';
import { newId } from '../../../src/ids.js';
import { freePort } from '../../../src/devtools/process/free-port.js';
import { customerWithCard, startSandbox, type SandboxHarness } from '../../support/stripe-sandbox.js';
import { seedCustomer, seedTenant } from '../../support/billing-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const SECRET = 'whsec_test_integration_secret';

/** Stands where the subscription workflow's signal would be: records what was delivered. */
class RecordingSink implements PaymentEventSink {
  delivered: PaymentEvent[] = [];
  failuresLeft = 0;
  async deliver(event: PaymentEvent): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('workflow unavailable');
    }
    this.delivered.push(event);
  }
  of(paymentIntentId: string): PaymentEvent[] {
    return this.delivered.filter((e) => e.paymentIntentId === paymentIntentId);
  }
}

let db: TestDatabase;
let harness: SandboxHarness;
let sink: RecordingSink;
let server: ServerType;
let webhookUrl: string;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  harness = await startSandbox({ seed: 3 });
  sink = new RecordingSink();
  const processor = new StripeWebhookProcessor({ prisma: db.prisma, stripe: harness.stripe, gateway: harness.gateway, signingSecret: SECRET, sink, corrections: paymentCorrections });
  app = createApp({ readinessChecks: [], stripeWebhooks: processor });
  const port = await freePort();
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  webhookUrl = `http://127.0.0.1:${port}/v1/webhooks/stripe`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await harness.close();
  await db.drop();
});
beforeEach(async () => {
  harness.sandbox.reset();
  harness.sandbox.configureWebhooks({ url: webhookUrl, secret: SECRET });
  sink.delivered = [];
  sink.failuresLeft = 0;
  await db.prisma.webhookEvent.deleteMany();
  await db.prisma.gatewayPayment.deleteMany();
});

let invoiceCounter = 0;
async function charge(testPaymentMethod: string, options: { attachFirst?: boolean } = { attachFirst: true }): Promise<{ invoiceId: string; outcome: Awaited<ReturnType<SandboxHarness['gateway']['chargeInvoice']>> }> {
  invoiceCounter += 1;
  const invoiceId = `inv_wh_${invoiceCounter}`;
  const gatewayCustomerId = options.attachFirst
    ? await customerWithCard(harness, testPaymentMethod)
    : (await harness.gateway.createCustomer({ tenantId: 'ten_wh', customerId: `cus_wh_${invoiceCounter}` })).gatewayCustomerId;
  const outcome = await harness.gateway.chargeInvoice({
    tenantId: 'ten_wh', invoiceId, subscriptionId: 'sub_wh', attempt: 1, amount: money(3_000, 'EUR'), gatewayCustomerId,
    ...(options.attachFirst ? {} : { paymentMethodId: testPaymentMethod }),
  });
  return { invoiceId, outcome };
}

/** Posts a hand-made event signed like Stripe signs it, straight to the route. */
async function post(event: Record<string, unknown>, options: { secret?: string; timestamp?: number; body?: string } = {}): Promise<Response> {
  const payload = JSON.stringify(event);
  const signature = await harness.stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  return app.request('/v1/webhooks/stripe', {
    method: 'POST',
    body: options.body ?? payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });
}

function paymentIntentEvent(id: string, type: string, status: string, created: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id, object: 'event', type, created, livemode: false, api_version: '2026-10-28.endive', pending_webhooks: 1, request: { id: null, idempotency_key: null },
    data: { object: { id: 'pi_handmade', object: 'payment_intent', amount: 1_500, amount_received: status === 'succeeded' ? 1_500 : 0, currency: 'usd', status, latest_charge: 'ch_handmade', last_payment_error: null, metadata: { invoice_id: 'inv_handmade', subscription_id: 'sub_handmade', tenant_id: 'ten_handmade', attempt: '2' }, ...extra } },
  };
}

describe('Stripe webhooks through the sandbox, the API route and the database', () => {
  it('a successful charge reaches the sink once as payment_succeeded, with our references', async () => {
    const { invoiceId, outcome } = await charge('pm_card_visa');
    await harness.sandbox.flushWebhooks();
    if (outcome.status !== 'succeeded') throw new Error('charge failed');
    expect(sink.of(outcome.paymentIntentId)).toEqual([
      expect.objectContaining({
        kind: 'payment_succeeded', invoiceId, subscriptionId: 'sub_wh', tenantId: 'ten_wh', attempt: 1,
        amount: money(3_000, 'EUR'), chargeId: outcome.chargeId,
      }),
    ]);
  });

  it('a charge whose attempt already holds its outcome (answered at once, recorded by the workflow) is not signalled again', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const customer = await seedCustomer(db.prisma, harness.gateway, { tenantId, currency: 'EUR' });
    const invoiceId = `inv_recorded_${Date.now()}`;
    await db.prisma.invoice.create({ data: { id: invoiceId, tenantId, customerId: customer.customerId, sourceKey: invoiceId, kind: 'manual', status: 'open', currency: 'EUR', total: 3_000n, amountDue: 3_000n } });
    const outcome = await harness.gateway.chargeInvoice({ tenantId, invoiceId, subscriptionId: 'sub_recorded', attempt: 1, amount: money(3_000, 'EUR'), gatewayCustomerId: customer.gatewayCustomerId });
    if (outcome.status !== 'succeeded') throw new Error('charge failed');
    // What the workflow's charge step writes when the gateway answers succeeded at once.
    await db.prisma.paymentAttempt.create({
      data: { id: `pa_${invoiceId}`, tenantId, invoiceId, attemptNumber: 1, idempotencyKey: `invoice:${invoiceId}:attempt:1`, status: 'succeeded', amount: 3_000n, currency: 'EUR', gatewayPaymentIntentId: outcome.paymentIntentId },
    });
    await harness.sandbox.flushWebhooks();
    expect(sink.of(outcome.paymentIntentId)).toEqual([]);
    const events = await db.prisma.webhookEvent.findMany({ where: { type: 'payment_intent.succeeded' } });
    expect(events.map((e) => e.outcome)).toEqual(['recorded']);
    // The payment's status is still tracked, so a later refund or dispute is ordered after it.
    expect(await db.prisma.gatewayPayment.findUnique({ where: { paymentIntentId: outcome.paymentIntentId } })).toMatchObject({ status: 'succeeded', invoiceId });
  });

  it('a duplicated webhook is processed once', async () => {
    harness.sandbox.configureWebhooks({ url: webhookUrl, secret: SECRET, duplicateRate: 1 });
    const { outcome } = await charge('pm_card_visa');
    await harness.sandbox.flushWebhooks();
    if (outcome.status !== 'succeeded') throw new Error('charge failed');
    const delivered = sink.of(outcome.paymentIntentId);
    expect(delivered).toHaveLength(1);
    expect(await db.prisma.webhookEvent.count({ where: { id: delivered[0]?.eventId } })).toBe(1);
  });

  it('five concurrent deliveries of one event are processed once', async () => {
    const event = paymentIntentEvent('evt_concurrent', 'payment_intent.succeeded', 'succeeded', 1_800_000_000);
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(event)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ duplicate: boolean }>;
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(sink.delivered).toHaveLength(1);
  });

  it('a requires_action payment later confirmed by the customer is reported succeeded', async () => {
    const { outcome } = await charge('pm_card_authenticationRequired');
    if (outcome.status !== 'requires_action') throw new Error(`expected requires_action, got ${outcome.status}`);
    await harness.sandbox.flushWebhooks();
    expect(sink.of(outcome.paymentIntentId).map((e) => e.kind)).toEqual(['payment_requires_action']);
    await harness.sandbox.authenticatePaymentIntent(outcome.paymentIntentId);
    await harness.sandbox.flushWebhooks();
    expect(sink.of(outcome.paymentIntentId).map((e) => e.kind)).toEqual(['payment_requires_action', 'payment_succeeded']);
    expect(await db.prisma.gatewayPayment.findUnique({ where: { paymentIntentId: outcome.paymentIntentId } })).toMatchObject({ status: 'succeeded' });
  });

  it('a decline is reported with its decline code and whether it is hard', async () => {
    const { outcome } = await charge('pm_card_chargeDeclinedStolenCard', { attachFirst: false });
    await harness.sandbox.flushWebhooks();
    if (outcome.status !== 'declined' || !outcome.paymentIntentId) throw new Error('expected a decline');
    expect(sink.of(outcome.paymentIntentId)).toEqual([
      expect.objectContaining({ kind: 'payment_failed', code: 'card_declined', declineCode: 'stolen_card', hardDecline: true }),
    ]);
  });

  it('events arriving out of order never move a payment backwards', async () => {
    const t = 1_800_000_000;
    // Stripe sent requires_action (t) then succeeded (t + 5); we receive them the other way round.
    expect(await (await post(paymentIntentEvent('evt_late_success', 'payment_intent.succeeded', 'succeeded', t + 5))).json()).toMatchObject({ outcome: 'dispatched' });
    expect(await (await post(paymentIntentEvent('evt_early_action', 'payment_intent.requires_action', 'requires_action', t))).json()).toMatchObject({ outcome: 'stale' });
    expect(await (await post(paymentIntentEvent('evt_old_failure', 'payment_intent.payment_failed', 'requires_payment_method', t + 1, { last_payment_error: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } }))).json()).toMatchObject({ outcome: 'stale' });
    expect(sink.delivered.map((e) => e.kind)).toEqual(['payment_succeeded']);
    expect(sink.delivered[0]).toMatchObject({ invoiceId: 'inv_handmade', attempt: 2, amount: money(1_500, 'USD') });
  });

  it('with reordering and duplication switched on, every payment still ends succeeded, each event once', async () => {
    harness.sandbox.configureWebhooks({ url: webhookUrl, secret: SECRET, duplicateRate: 0.5, reorder: true });
    const intents: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { outcome } = await charge('pm_card_authenticationRequired');
      if (outcome.status !== 'requires_action') throw new Error('expected requires_action');
      await harness.sandbox.authenticatePaymentIntent(outcome.paymentIntentId);
      intents.push(outcome.paymentIntentId);
    }
    await harness.sandbox.flushWebhooks();
    for (const id of intents) {
      expect(await db.prisma.gatewayPayment.findUnique({ where: { paymentIntentId: id } })).toMatchObject({ status: 'succeeded' });
      const kinds = sink.of(id).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'payment_succeeded')).toHaveLength(1);
      expect(new Set(sink.of(id).map((e) => e.eventId)).size).toBe(sink.of(id).length);
    }
  });

  it('a forged signature is rejected and changes nothing', async () => {
    const response = await post(paymentIntentEvent('evt_forged', 'payment_intent.succeeded', 'succeeded', 1_800_000_000), { secret: 'whsec_not_ours' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(await db.prisma.webhookEvent.count()).toBe(0);
    expect(sink.delivered).toEqual([]);
  });

  it('a stale signature (older than the 300 s tolerance) is rejected and changes nothing', async () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const response = await post(paymentIntentEvent('evt_stale', 'payment_intent.succeeded', 'succeeded', 1_800_000_000), { timestamp: tenMinutesAgo });
    expect(response.status).toBe(400);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
    expect(sink.delivered).toEqual([]);
  });

  it('a body altered after signing is rejected', async () => {
    const event = paymentIntentEvent('evt_tampered', 'payment_intent.succeeded', 'succeeded', 1_800_000_000);
    const response = await post(event, { body: JSON.stringify({ ...event, type: 'charge.refunded' }) });
    expect(response.status).toBe(400);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });

  it('a request without a signature header is rejected', async () => {
    const response = await app.request('/v1/webhooks/stripe', { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
  });

  it('unknown event types are acknowledged and ignored', async () => {
    const response = await post({ id: 'evt_unknown', object: 'event', type: 'customer.tax_id.created', created: 1_800_000_000, data: { object: { id: 'txi_1' } } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false, outcome: 'ignored' });
    expect(sink.delivered).toEqual([]);
  });

  it('when the sink fails, nothing is recorded and the redelivered event is processed', async () => {
    sink.failuresLeft = 1;
    const event = paymentIntentEvent('evt_retry_me', 'payment_intent.succeeded', 'succeeded', 1_800_000_000);
    const failed = await post(event);
    expect(failed.status).toBe(500);
    expect(await db.prisma.webhookEvent.count()).toBe(0);
    const again = await post(event);
    expect(again.status).toBe(200);
    expect(sink.delivered.map((e) => e.eventId)).toEqual(['evt_retry_me']);
  });

  it('the sandbox retries a delivery our endpoint failed, and it then arrives once', async () => {
    sink.failuresLeft = 1;
    const { outcome } = await charge('pm_card_visa');
    await harness.sandbox.flushWebhooks();
    if (outcome.status !== 'succeeded') throw new Error('charge failed');
    expect(sink.of(outcome.paymentIntentId).map((e) => e.kind)).toEqual(['payment_succeeded']);
  });

  it('a refund is reported with the invoice it belongs to', async () => {
    const { invoiceId, outcome } = await charge('pm_card_visa');
    if (outcome.status !== 'succeeded') throw new Error('charge failed');
    await harness.gateway.refund({ tenantId: 'ten_wh', refundId: `cn_${invoiceId}`, paymentIntentId: outcome.paymentIntentId, amount: money(3_000, 'EUR') });
    await harness.sandbox.flushWebhooks();
    expect(sink.of(outcome.paymentIntentId).find((e) => e.kind === 'payment_refunded')).toMatchObject({
      invoiceId, subscriptionId: 'sub_wh', chargeId: outcome.chargeId, amountRefunded: money(3_000, 'EUR'), fullyRefunded: true,
    });
  });

  it('a dispute is reported with the invoice it belongs to', async () => {
    const { invoiceId, outcome } = await charge('pm_card_createDispute');
    await harness.sandbox.flushWebhooks();
    if (outcome.status !== 'succeeded') throw new Error('charge failed');
    expect(sink.of(outcome.paymentIntentId).find((e) => e.kind === 'payment_disputed')).toMatchObject({
      invoiceId, chargeId: outcome.chargeId, amount: money(3_000, 'EUR'), disputeId: expect.stringMatching(/^d[up]_/) as unknown,
    });
  });

  describe('refunds and disputes recorded on the invoice', () => {
    /** A paid €30.00 invoice of a real tenant, charged at the sandbox with its references. */
    async function paidInvoice(testPaymentMethod: string) {
      const { tenantId } = await seedTenant(db.prisma, 'Webhook corrections');
      const { customerId } = await seedCustomer(db.prisma, harness.gateway, { tenantId, currency: 'EUR', testPaymentMethod });
      const invoiceId = newId('inv');
      await db.prisma.invoice.create({
        data: { id: invoiceId, tenantId, customerId, sourceKey: `manual:${invoiceId}`, kind: 'manual', number: 'INV-000001', status: 'paid', currency: 'EUR', subtotal: 3000n, total: 3000n, amountDue: 3000n, amountPaid: 3000n },
      });
      const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
      const outcome = await harness.gateway.chargeInvoice({ tenantId, invoiceId, subscriptionId: null, attempt: 1, amount: money(3_000, 'EUR'), gatewayCustomerId: customer.gatewayCustomerId! });
      if (outcome.status !== 'succeeded') throw new Error('charge failed');
      await harness.sandbox.flushWebhooks();
      return { tenantId, invoiceId, outcome };
    }

    it("a refund made outside a credit note moves the invoice's amount refunded to the charge's", async () => {
      const { tenantId, invoiceId, outcome } = await paidInvoice('pm_card_visa');
      // Two refunds from the dashboard: €5.00 then €7.50; the charge reports 1250 refunded in all.
      await harness.gateway.refund({ tenantId, refundId: 'dash_1', paymentIntentId: outcome.paymentIntentId, amount: money(500, 'EUR') });
      await harness.gateway.refund({ tenantId, refundId: 'dash_2', paymentIntentId: outcome.paymentIntentId, amount: money(750, 'EUR') });
      await harness.sandbox.flushWebhooks();
      expect((await db.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).amountRefunded).toBe(1250n);
    });

    it('a dispute is marked on the invoice, and a lost one as lost, with an event each', async () => {
      const { tenantId, invoiceId, outcome } = await paidInvoice('pm_card_createDispute');
      const opened = await db.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
      expect([opened.disputeStatus, opened.disputedAmount]).toEqual(['needs_response', 3000n]);
      const disputed = sink.of(outcome.paymentIntentId).find((e) => e.kind === 'payment_disputed');
      if (disputed?.kind !== 'payment_disputed') throw new Error('no dispute event');
      await harness.sandbox.closeDispute(disputed.disputeId, 'lost');
      await harness.sandbox.flushWebhooks();
      expect((await db.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).disputeStatus).toBe('lost');
      const events = await db.prisma.outboxEvent.findMany({ where: { tenantId, aggregateId: invoiceId }, orderBy: { createdAt: 'asc' } });
      expect(events.map((e) => e.type)).toEqual(['invoice.disputed', 'invoice.dispute_lost']);
      // The closed event was delivered to the subscription's workflow too, as a dispute with its status.
      expect(sink.of(outcome.paymentIntentId).filter((e) => e.kind === 'payment_disputed').map((e) => (e as { status: string }).status)).toEqual(['needs_response', 'lost']);
    });
  });
});

