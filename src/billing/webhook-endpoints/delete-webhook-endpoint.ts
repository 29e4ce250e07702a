import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import { toWebhookEndpointView, type WebhookEndpointView } from './views.js';

const deleteWebhookEndpointInput = z.object({ tenantId: idSchema, endpointId: idSchema });

/** Stops all delivery to the endpoint; its delivery log stays readable by id until retention. */
export async function deleteWebhookEndpoint(prisma: Db, input: z.input<typeof deleteWebhookEndpointInput>, now: Date): Promise<WebhookEndpointView & { deleted: true }> {
  const { tenantId, endpointId } = parseInput(deleteWebhookEndpointInput, input);
  const current = await requireWebhookEndpoint(prisma, tenantId, endpointId);
  const row = await prisma.webhookEndpoint.update({ where: { id: current.id }, data: { deletedAt: now, enabled: false, disabledReason: 'by_request' } });
  return { ...toWebhookEndpointView(row), deleted: true };
}
