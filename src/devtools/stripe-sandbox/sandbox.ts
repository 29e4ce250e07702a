import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { newId } from '../../ids.js';
import { SANDBOX_API_VERSION } from './api-version.js';
import { controlApi } from './control-api.js';
import { FaultInjector } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import type { OperationContext, RequestInfo } from './operation-context.js';
import { authenticatePaymentIntent } from './resources/payment-intents.js';
import { closeDispute, disputeCharge } from './resources/disputes.js';
import { scheduleDeclines } from './resources/charge-declines.js';
import { authenticateSetupIntent } from './resources/setup-intents.js';
import { type Random, randomSeed, seededRandom } from './seeded-random.js';
import { SandboxState } from './state.js';
import { SandboxJournal, type SandboxStoreContents } from './state-journal.js';
import { stripeApi } from './stripe-api.js';
import { StripeApiError, unrecognizedUrl } from './stripe-error.js';
import type { StripeEventShape } from './stripe-objects.js';
import { encodeError, newRequestId, toResponse } from './stripe-response.js';
import type { LedgerCharge, RunningStripeSandbox, StripeSandbox, StripeSandboxOptions } from './types.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** Any `sk_test_…` key is accepted; this one is the conventional default. */
export const SANDBOX_SECRET_KEY = 'sk_test_sandbox';

// Independent streams, so enabling webhook duplication never shifts the fault sequence of a seed.
function faultRandom(seed: number): Random {
  return seededRandom(seed);
}
function webhookRandom(seed: number): Random {
  return seededRandom(seed ^ 0x5bd1e995);
}

const now = (): number => Math.floor(Date.now() / 1000);

/** Sandbox-driven operations happen outside any API request, like Stripe's own asynchronous events. */
const NO_REQUEST: RequestInfo = { id: null, idempotencyKey: null };

export function createStripeSandbox(options: StripeSandboxOptions = {}): StripeSandbox {
  const seed = options.seed ?? randomSeed();
  const log = options.log ?? (() => undefined);
  // Called only by a compaction, once everything below exists.
  const contentsNow = (): SandboxStoreContents => ({ state: state.snapshot(), idempotency: idempotency.snapshot(), pendingWebhooks: webhooks.pendingEventIds() });
  const opened = options.statePath === undefined ? undefined : SandboxJournal.open(options.statePath, contentsNow, options.compactJournalAt);
  const loaded = opened?.contents;
  const journal = opened?.journal;
  let state = new SandboxState(loaded?.state);
  const idempotency = new IdempotencyStore(now, loaded?.idempotency);
  const faults = new FaultInjector(faultRandom(seed), options.faults ?? {});
  let webhookChanges: Array<{ eventId: string; pending: boolean }> = [];
  const webhooks = new WebhookDispatcher(webhookRandom(seed), log, options.webhook ?? null, (eventId, pending) => {
    webhookChanges.push({ eventId, pending });
    // A delivery settles outside any request: journal it on its own.
    if (!pending) void persist().catch((error: unknown) => log(`state journal: ${error instanceof Error ? error.message : String(error)}`));
  });
  let owedWebhooks = loaded?.pendingWebhooks ?? [];

  /** Journals what changed since the last call (records touched, events, stored answers, webhook deliveries owed). */
  const persist = async (): Promise<void> => {
    const changes = state.takeChanges();
    const stored = idempotency.takeChanges();
    const deliveries = webhookChanges;
    webhookChanges = [];
    await journal?.append(changes, stored, deliveries);
  };
  const context = (request: RequestInfo): OperationContext => ({
    state,
    request,
    now,
    emit(type, object, previousAttributes) {
      const event: StripeEventShape = {
        id: newId('evt'),
        object: 'event',
        api_version: SANDBOX_API_VERSION,
        created: now(),
        data: {
          object: structuredClone(object),
          ...(previousAttributes === undefined ? {} : { previous_attributes: structuredClone(previousAttributes) }),
        },
        livemode: false,
        pending_webhooks: webhooks.configured ? 1 : 0,
        request: { id: request.id, idempotency_key: request.idempotencyKey },
        type,
      };
      state.events.push(event);
      webhooks.enqueue(event);
    },
  });

  /** Runs a sandbox-driven operation; a card decline is an outcome recorded on the objects, not a failure. */
  const drive = (operation: (ctx: OperationContext) => void): Promise<void> => {
    try {
      operation(context(NO_REQUEST));
    } catch (error) {
      if (!(error instanceof StripeApiError && error.status === 402)) {
        void persist();
        throw error;
      }
    }
    return persist();
  };

  const toLedger = (): LedgerCharge[] =>
    [...state.charges.values()].map(({ object: charge, idempotencyKey, declineCode }) => ({
      id: charge.id,
      paymentIntentId: charge.payment_intent,
      idempotencyKey,
      amount: charge.amount,
      currency: charge.currency,
      status: charge.status === 'succeeded' ? 'succeeded' : 'failed',
      customer: charge.customer,
      paymentMethod: charge.payment_method,
      metadata: { ...charge.metadata },
      refundedAmount: charge.amount_refunded,
      disputed: charge.disputed,
      created: charge.created,
      failureCode: charge.failure_code,
      declineCode,
    }));

  const methods: Omit<StripeSandbox, 'app' | 'listen'> = {
    ledger: toLedger,
    successfulChargesFor: (metadataKey, value) =>
      toLedger().filter((charge) => charge.status === 'succeeded' && charge.metadata[metadataKey] === value),
    setFaults: (next) => faults.configure(next),
    failNext: (kind, pathPrefix, count) => faults.failNext(kind, pathPrefix, count),
    configureWebhooks: (config) => webhooks.configure(config),
    flushWebhooks: () => webhooks.flush(),
    events: () => structuredClone(state.events),
    authenticatePaymentIntent: async (id, outcome = 'succeed') => drive((ctx) => authenticatePaymentIntent(ctx, id, outcome)),
    authenticateSetupIntent: async (id, outcome = 'succeed') => drive((ctx) => authenticateSetupIntent(ctx, id, outcome)),
    disputeCharge: (chargeId) => drive((ctx) => disputeCharge(ctx, ctx.state.charge(chargeId, 'id'))),
    closeDispute: (disputeId, outcome) => drive((ctx) => closeDispute(ctx, disputeId, outcome)),
    declineNextCharges: (customerId, declineCode, count) => drive((ctx) => scheduleDeclines(ctx, customerId, declineCode, count)),
    clearChargeDeclines: (customerId) =>
      drive((ctx) => {
        ctx.state.customer(customerId, 'customer');
        ctx.state.chargeDeclines.delete(customerId);
      }),
    resumePendingWebhooks() {
      const owed = new Set(owedWebhooks);
      owedWebhooks = [];
      webhooks.resume(state.events.filter((event) => owed.has(event.id)));
    },
    reset() {
      state = new SandboxState();
      idempotency.clear();
      faults.reset(faultRandom(seed), options.faults ?? {});
      webhooks.reset(webhookRandom(seed), options.webhook ?? null);
      webhookChanges = [];
      owedWebhooks = [];
      // Journal lines keep their order: every later change is written after this one.
      void journal?.reset().catch((error: unknown) => log(`state journal: ${error instanceof Error ? error.message : String(error)}`));
    },
    close: async () => {
      await journal?.close();
    },
  };

  const app = new Hono();
  app.route('/v1', stripeApi({ context, idempotency, faults, afterMutation: persist, log }));
  app.route('/_sandbox', controlApi(methods));
  app.notFound((c) => toResponse(encodeError(unrecognizedUrl(c.req.method, c.req.path), newRequestId())));

  return {
    app,
    ...methods,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host),
  };
}

async function listen(app: Hono, port: number, host: string): Promise<RunningStripeSandbox> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    async close() {
      // The SDK keeps connections alive; close them too, or close() waits for their idle timeout.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
