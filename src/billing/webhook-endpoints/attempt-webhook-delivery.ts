import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma, WebhookEndpoint } from '../../generated/prisma/client.js';
import { webhookDeliveries } from '../../observability/metrics.js';
import { newId } from '../../ids.js';
import { runInTransaction } from '../db.js';
import { toEventView } from '../events/views.js';
import { notFound } from '../failures.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import type { WebhookUrlPolicy } from './address-policy.js';
import { signDelivery, signingSecrets } from './signing.js';
import { postWebhook, type PostOutcome, type PostWebhookInput } from './webhook-transport.js';

/** An endpoint failing without a single success this long is disabled (Svix: five days). */
export const DISABLE_AFTER_FAILING_MS = 5 * 86_400_000;

export interface WebhookDeliveryDependencies {
  prisma: PrismaClient;
  urlPolicy: WebhookUrlPolicy;
  /** Test seam for DNS; the real lookup otherwise. */
  lookup?: PostWebhookInput['lookup'];
}

export interface AttemptWebhookDeliveryInput {
  tenantId: string;
  deliveryId: string;
  /** `s:<n>` for the schedule's n-th attempt, `r:<n>` a replay, `t:1` a test: one row per key. */
  attemptKey: string;
  trigger: 'scheduled' | 'replay' | 'test';
  /** The billing clock (workflow time) of the attempt. */
  at: number;
  /** When the schedule would try next (ms from now), null if this is its last attempt (or a replay/test). */
  nextDelayMs: number | null;
}

export type AttemptResult =
  | { outcome: 'delivered'; status: number }
  /** Failed; the caller waits `retryInMs` (the schedule's delay, or a longer Retry-After) before the next one. */
  | { outcome: 'retry'; status: number | null; retryInMs: number }
  | { outcome: 'failed'; status: number | null }
  | { outcome: 'endpoint_disabled' }
  /** The delivery was settled meanwhile (a replay delivered it): nothing was sent. */
  | { outcome: 'settled' };

const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * One HTTP attempt of a delivery, recorded once per attempt key: a retried activity whose first
 * run recorded its attempt answers what it recorded, without sending again (one that crashed
 * before recording sends again — at-least-once, with the same `webhook-id`). The body is the
 * event exactly as GET /v1/events/{id} shows it, signed with the endpoint's secrets at this
 * instant. The result moves the delivery (attempts, last status, next attempt, final state) and
 * the endpoint's failure clock: a 2xx clears it; a 410 disables the endpoint at once; five days
 * of failures disable it — each with a `webhook_endpoint.disabled` event and every pending
 * delivery of the endpoint marked `endpoint_disabled`.
 */
export async function attemptWebhookDelivery(deps: WebhookDeliveryDependencies, input: AttemptWebhookDeliveryInput): Promise<AttemptResult> {
  const { prisma } = deps;
  const delivery = await prisma.webhookDelivery.findFirst({ where: { id: input.deliveryId, tenantId: input.tenantId }, include: { endpoint: true } });
  if (delivery === null) throw notFound('webhook_delivery', input.deliveryId);
  const recorded = await prisma.webhookDeliveryAttempt.findUnique({ where: { deliveryId_attemptKey: { deliveryId: delivery.id, attemptKey: input.attemptKey } } });
  if (recorded !== null) return resultOfRecorded(recorded, input);
  const endpoint = delivery.endpoint;
  if (input.trigger === 'scheduled' && delivery.status !== 'pending') return delivery.status === 'endpoint_disabled' ? { outcome: 'endpoint_disabled' } : { outcome: 'settled' };
  if (!endpoint.enabled || endpoint.deletedAt !== null) {
    if (input.trigger === 'scheduled') await prisma.webhookDelivery.updateMany({ where: { id: delivery.id, status: 'pending' }, data: { status: 'endpoint_disabled', nextAttemptAt: null } });
    return { outcome: 'endpoint_disabled' };
  }
  const event = await prisma.outboxEvent.findFirst({ where: { id: delivery.eventId, tenantId: input.tenantId } });
  if (event === null) {
    // Retention removed the event before its delivery ended: nothing left to send.
    await prisma.webhookDelivery.updateMany({ where: { id: delivery.id, status: 'pending' }, data: { status: 'failed', nextAttemptAt: null } });
    return { outcome: 'failed', status: null };
  }
  const at = new Date(input.at);
  const body = JSON.stringify(toEventView(event));
  // The signature's timestamp is the wall clock: receivers compare it with theirs (a tolerance of
  // minutes). Which secrets sign follows the billing clock, as the rotation's expiry was set by it.
  const headers = signDelivery({ id: event.id, timestampSeconds: Math.floor(Date.now() / 1000), body, secrets: signingSecrets(endpoint, at) });
  const posted = await postWebhook({ url: endpoint.url, headers: { ...headers }, body, policy: deps.urlPolicy, ...(deps.lookup ? { lookup: deps.lookup } : {}) });
  return recordAttempt(prisma, { input, endpoint, deliveryId: delivery.id, posted, at });
}

function resultOfRecorded(attempt: { succeeded: boolean; responseStatus: number | null }, input: AttemptWebhookDeliveryInput): AttemptResult {
  if (attempt.succeeded) return { outcome: 'delivered', status: attempt.responseStatus ?? 200 };
  if (attempt.responseStatus === 410) return { outcome: 'endpoint_disabled' };
  return input.nextDelayMs === null ? { outcome: 'failed', status: attempt.responseStatus } : { outcome: 'retry', status: attempt.responseStatus, retryInMs: input.nextDelayMs };
}

async function recordAttempt(
  prisma: PrismaClient,
  facts: { input: AttemptWebhookDeliveryInput; endpoint: WebhookEndpoint; deliveryId: string; posted: PostOutcome; at: Date },
): Promise<AttemptResult> {
  const { input, endpoint, deliveryId, posted, at } = facts;
  const status = posted.kind === 'response' ? posted.status : null;
  const succeeded = status !== null && status >= 200 && status < 300;
  const gone = status === 410;
  const retryAfterMs = posted.kind === 'response' && RETRY_AFTER_STATUSES.has(posted.status) ? posted.retryAfterMs : null;
  const scheduled = input.trigger === 'scheduled';
  const retryInMs = scheduled && input.nextDelayMs !== null ? Math.max(input.nextDelayMs, retryAfterMs ?? 0) : null;
  let recorded = false;
  const result = await runInTransaction(prisma, async (tx): Promise<AttemptResult> => {
    const inserted = await tx.webhookDeliveryAttempt.createMany({
      data: [
        {
          id: newId('wha'),
          tenantId: input.tenantId,
          deliveryId,
          endpointId: endpoint.id,
          attemptKey: input.attemptKey,
          trigger: input.trigger,
          succeeded,
          responseStatus: status,
          responseBody: posted.kind === 'response' ? posted.body : null,
          error: posted.kind === 'error' ? posted.error.slice(0, 500) : null,
          durationMs: Math.round(posted.durationMs),
          attemptedAt: at,
        },
      ],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return resultOfRecorded({ succeeded, responseStatus: status }, input);
    recorded = true;
    const update: Prisma.WebhookDeliveryUpdateManyMutationInput = { attemptCount: { increment: 1 }, lastResponseStatus: status, lastAttemptAt: at };
    if (succeeded) {
      await tx.webhookDelivery.updateMany({ where: { id: deliveryId }, data: { ...update, status: 'succeeded', deliveredAt: at, nextAttemptAt: null } });
      await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: { not: null } }, data: { failingSince: null } });
      return { outcome: 'delivered', status: status };
    }
    const final = scheduled && retryInMs === null;
    await tx.webhookDelivery.updateMany({
      where: { id: deliveryId },
      data: { ...update, ...(scheduled ? { nextAttemptAt: retryInMs === null ? null : new Date(at.getTime() + retryInMs) } : {}), ...(final ? { status: 'failed' } : {}) },
    });
    // Replays and tests are asked for by a person: they never disable an endpoint by failing.
    if (!scheduled && !gone) return { outcome: 'failed', status };
    const failingSince = endpoint.failingSince ?? at;
    if (endpoint.failingSince === null) await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: null }, data: { failingSince: at } });
    const reason = gone ? 'gone' : at.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS ? 'failing' : null;
    if (reason !== null) {
      await disableEndpoint(tx, endpoint, reason, failingSince, at);
      return { outcome: 'endpoint_disabled' };
    }
    return retryInMs === null ? { outcome: 'failed', status } : { outcome: 'retry', status, retryInMs };
  });
  // Counted once per attempt recorded (a repeated activity finds its attempt and counts nothing).
  if (recorded) webhookDeliveries.inc({ outcome: succeeded ? 'delivered' : gone ? 'gone' : status === null ? 'no_response' : 'failed' });
  return result;
}

async function disableEndpoint(tx: Prisma.TransactionClient, endpoint: WebhookEndpoint, reason: 'gone' | 'failing', failingSince: Date, at: Date): Promise<void> {
  const moved = await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, enabled: true }, data: { enabled: false, disabledReason: reason } });
  await tx.webhookDelivery.updateMany({ where: { endpointId: endpoint.id, status: 'pending' }, data: { status: 'endpoint_disabled', nextAttemptAt: null } });
  if (moved.count === 0) return;
  await writeOutboxEvents(tx, endpoint.tenantId, [
    {
      type: 'webhook_endpoint.disabled',
      aggregateType: 'webhook_endpoint',
      aggregateId: endpoint.id,
      dedupeKey: `webhook_endpoint:${endpoint.id}:disabled:${at.getTime()}`,
      payload: { endpointId: endpoint.id, url: endpoint.url, reason, failingSince: reason === 'failing' ? failingSince.toISOString() : null },
    },
  ]);
}
