import { Context } from '@temporalio/activity';
import { drainOutbox, redispatch, relayBatch, RELAY_BATCH, REDISPATCH_AFTER_MS } from '../src/billing/events/drain-outbox.js';
import type { OutboundDispatcher } from '../src/billing/events/outbound-dispatcher.js';
import type { DeliveryLane } from '../src/billing/events/relay-outbox-events.js';
import { sendDueEmails, type SendEmailResult } from '../src/billing/notifications/send-email-notification.js';
import { STRICT_URL_POLICY } from '../src/billing/webhook-endpoints/address-policy.js';
import { attemptWebhookDelivery, type AttemptResult, type AttemptWebhookDeliveryInput } from '../src/billing/webhook-endpoints/attempt-webhook-delivery.js';
import { nextLaneDelivery } from '../src/billing/webhook-endpoints/next-lane-delivery.js';
import type { ActivityDependencies } from './dependencies.js';
import { withFailureMapping } from './failures.js';

export type { AttemptResult, AttemptWebhookDeliveryInput, DeliveryLane, SendEmailResult };

/** The outbound side's activities: the relay, one webhook attempt, the email sender. */
export interface OutboundActivities {
  /**
   * Relays outbox rows to deliveries and emails for up to `runForMs`, waiting for new rows in
   * between, heartbeating; returns how many it relayed. The relay workflow calls it in a loop.
   */
  relayEvents(input: { runForMs: number }): Promise<{ relayed: number }>;
  nextLaneDelivery(lane: DeliveryLane): Promise<{ deliveryId: string } | null>;
  attemptWebhookDelivery(input: AttemptWebhookDeliveryInput): Promise<AttemptResult>;
  /** Sends due customer emails for up to `runForMs`, waiting for more in between, heartbeating; returns how many it claimed. */
  sendEmails(input: { runForMs: number }): Promise<{ claimed: number }>;
}

const IDLE_POLL_MS = 200;

function dispatcherOf(deps: ActivityDependencies): OutboundDispatcher {
  if (!deps.outbound) throw new Error('this worker was created without an outbound dispatcher (a Temporal client)');
  return deps.outbound;
}

/** The relay's loop inside one activity: ~5 queries a second when idle, batches back to back when busy. */
async function relayFor(deps: ActivityDependencies, runForMs: number): Promise<{ relayed: number }> {
  const context = Context.current();
  const dispatcher = dispatcherOf(deps);
  const now = () => new Date();
  const until = Date.now() + runForMs;
  let relayed = 0;
  let lastRedispatch = 0;
  while (Date.now() < until && context.cancellationSignal.aborted === false) {
    const moved = await relayBatch(deps.prisma, dispatcher, now);
    relayed += moved;
    if (Date.now() - lastRedispatch >= REDISPATCH_AFTER_MS) {
      await redispatch(deps.prisma, dispatcher, now);
      lastRedispatch = Date.now();
    }
    context.heartbeat({ relayed });
    if (moved < RELAY_BATCH) {
      try {
        await context.sleep(IDLE_POLL_MS);
      } catch {
        break; // cancelled: the worker is shutting down
      }
    }
  }
  return { relayed };
}

const EMAIL_BATCH = 50;
const EMAIL_CONCURRENCY = 8;

/** The email sender's loop inside one activity, like the relay's. */
async function sendFor(email: Parameters<typeof sendDueEmails>[0], runForMs: number): Promise<{ claimed: number }> {
  const context = Context.current();
  const until = Date.now() + runForMs;
  let claimed = 0;
  while (Date.now() < until && context.cancellationSignal.aborted === false) {
    const round = await sendDueEmails(email, { now: new Date(), limit: EMAIL_BATCH, concurrency: EMAIL_CONCURRENCY });
    claimed += round;
    context.heartbeat({ claimed });
    if (round < EMAIL_BATCH) {
      try {
        await context.sleep(IDLE_POLL_MS);
      } catch {
        break;
      }
    }
  }
  return { claimed };
}

export function createOutboundActivities(deps: ActivityDependencies): OutboundActivities {
  const delivery = { prisma: deps.prisma, urlPolicy: deps.webhookUrlPolicy ?? STRICT_URL_POLICY, ...(deps.webhookLookup ? { lookup: deps.webhookLookup } : {}) };
  const email = { prisma: deps.prisma, mailer: deps.mailer, publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000' };
  return {
    relayEvents: withFailureMapping((input) => relayFor(deps, input.runForMs)),
    nextLaneDelivery: withFailureMapping((lane) => nextLaneDelivery(deps.prisma, lane)),
    attemptWebhookDelivery: withFailureMapping((input) => attemptWebhookDelivery(delivery, input)),
    sendEmails: withFailureMapping((input) => sendFor(email, input.runForMs)),
  };
}

export { drainOutbox };
