import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { runInTransaction } from '../db.js';
import { failure } from '../failures.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { getWebhookDelivery } from './get-webhook-delivery.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import type { WebhookDeliveryView } from './views.js';
import type { WebhookDeliveryRunner } from './webhook-delivery-runner.js';

/**
 * Sends a `webhook_endpoint.test` event to this endpoint only, now, signed like any delivery, and
 * answers the delivery with its one attempt (response code, body, duration). The event is in the
 * event log like any other; it is never fanned out to other endpoints. `testId` (derived from the
 * request's Idempotency-Key) makes a retried request answer the same test.
 */
export async function testWebhookEndpoint(prisma: PrismaClient, runner: WebhookDeliveryRunner, input: { tenantId: string; endpointId: string; testId?: string }, now: Date): Promise<WebhookDeliveryView> {
  const endpoint = await requireWebhookEndpoint(prisma, input.tenantId, input.endpointId);
  if (!endpoint.enabled) throw failure('webhook_endpoint_disabled', `Webhook endpoint ${endpoint.id} is disabled; enable it to test it`, { endpointId: endpoint.id, disabledReason: endpoint.disabledReason });
  const testId = input.testId ?? newId('test');
  const deliveryId = await runInTransaction(prisma, async (tx) => {
    await writeOutboxEvents(tx, input.tenantId, [{ type: 'webhook_endpoint.test', aggregateType: 'webhook_endpoint', aggregateId: endpoint.id, dedupeKey: `webhook_endpoint:${endpoint.id}:test:${testId}`, payload: { endpointId: endpoint.id } }]);
    const event = await tx.outboxEvent.findUniqueOrThrow({ where: { tenantId_dedupeKey: { tenantId: input.tenantId, dedupeKey: `webhook_endpoint:${endpoint.id}:test:${testId}` } } });
    // Relayed already: it goes to this endpoint alone, dispatched by this request.
    await tx.outboxEvent.update({ where: { id: event.id }, data: { publishedAt: event.publishedAt ?? now } });
    await tx.webhookDelivery.createMany({
      data: [{ id: newId('whd'), tenantId: input.tenantId, endpointId: endpoint.id, eventId: event.id, eventType: event.type, eventSeq: event.seq, aggregateType: 'webhook_endpoint', aggregateId: endpoint.id, dispatchedAt: now }],
      skipDuplicates: true,
    });
    return (await tx.webhookDelivery.findUniqueOrThrow({ where: { endpointId_eventId: { endpointId: endpoint.id, eventId: event.id } } })).id;
  });
  const result = await runner.runNow({ tenantId: input.tenantId, deliveryId, trigger: 'test', attemptKey: 't:1', runId: 'test' });
  // A test's one attempt is final for its delivery either way.
  await prisma.webhookDelivery.updateMany({ where: { id: deliveryId, status: 'pending' }, data: { status: result.outcome === 'delivered' ? 'succeeded' : 'failed' } });
  return getWebhookDelivery(prisma, { tenantId: input.tenantId, endpointId: endpoint.id, deliveryId });
}
