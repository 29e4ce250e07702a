import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import { toWebhookDeliveryView, type WebhookDeliveryView } from './views.js';

export async function getWebhookDelivery(prisma: Db, input: { tenantId: string; endpointId: string; deliveryId: string }): Promise<WebhookDeliveryView> {
  await requireWebhookEndpoint(prisma, input.tenantId, input.endpointId);
  const row = await prisma.webhookDelivery.findFirst({ where: { id: input.deliveryId, tenantId: input.tenantId, endpointId: input.endpointId }, include: { attempts: true } });
  if (row === null) throw notFound('webhook_delivery', input.deliveryId);
  return toWebhookDeliveryView(row);
}
