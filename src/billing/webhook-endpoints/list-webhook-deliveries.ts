import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import { toWebhookDeliveryView, type WebhookDeliveryView } from './views.js';

const listWebhookDeliveriesInput = z.object({
  tenantId: idSchema,
  endpointId: idSchema,
  status: z.enum(['pending', 'succeeded', 'failed', 'endpoint_disabled']).optional(),
  eventId: z.string().min(1).optional(),
  ...pageInputShape,
});

/** The endpoint's deliveries, newest first, each with every attempt (status, response code, duration). */
export async function listWebhookDeliveries(prisma: Db, input: z.input<typeof listWebhookDeliveriesInput>): Promise<Page<WebhookDeliveryView>> {
  const { tenantId, endpointId, status, eventId, ...page } = parseInput(listWebhookDeliveriesInput, input);
  await requireWebhookEndpoint(prisma, tenantId, endpointId);
  const query = pageQuery(page);
  const where: Prisma.WebhookDeliveryWhereInput = {
    tenantId,
    endpointId,
    ...(status === undefined ? {} : { status }),
    ...(eventId === undefined ? {} : { eventId }),
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.webhookDelivery.findMany({ where, orderBy: query.orderBy, take: query.take, include: { attempts: true } });
  return toPage(rows, page, toWebhookDeliveryView);
}
