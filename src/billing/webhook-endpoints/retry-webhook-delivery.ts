import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { getWebhookDelivery } from './get-webhook-delivery.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import type { WebhookDeliveryView } from './views.js';
import type { WebhookDeliveryRunner } from './webhook-delivery-runner.js';

const retryInput = z.object({ tenantId: idSchema, endpointId: idSchema, deliveryId: idSchema, replayKey: z.string().min(1).max(200).optional() });

/**
 * Replays a delivery now, whatever its state — a failed one, one the disabled endpoint missed, or
 * one waiting for its next scheduled attempt — as one more attempt with the same `webhook-id`
 * and a fresh signature, and answers the delivery with that attempt logged. A success settles a
 * pending delivery (its scheduled attempts stop). `replayKey` (the request's Idempotency-Key)
 * makes a retried request wait for the replay it started rather than send another.
 */
export async function retryWebhookDelivery(prisma: PrismaClient, runner: WebhookDeliveryRunner, input: z.input<typeof retryInput>): Promise<WebhookDeliveryView> {
  const { tenantId, endpointId, deliveryId, replayKey } = parseInput(retryInput, input);
  const endpoint = await requireWebhookEndpoint(prisma, tenantId, endpointId);
  if (!endpoint.enabled) throw failure('webhook_endpoint_disabled', `Webhook endpoint ${endpointId} is disabled; enable it (PATCH enabled: true) to replay to it`, { endpointId, disabledReason: endpoint.disabledReason });
  const delivery = await prisma.webhookDelivery.findFirst({ where: { id: deliveryId, tenantId, endpointId }, select: { id: true } });
  if (delivery === null) throw notFound('webhook_delivery', deliveryId);
  const replays = await prisma.webhookDeliveryAttempt.count({ where: { deliveryId, trigger: 'replay' } });
  const runId = replayKey === undefined ? `replay:${replays + 1}` : `replay:${replayKey}`;
  await runner.runNow({ tenantId, deliveryId, trigger: 'replay', attemptKey: `r:${replayKey ?? replays + 1}`, runId });
  return getWebhookDelivery(prisma, { tenantId, endpointId, deliveryId });
}
