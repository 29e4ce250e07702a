import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { toWebhookEndpointView, type WebhookEndpointView } from './views.js';

const listWebhookEndpointsInput = z.object({ tenantId: idSchema });

/** The tenant's endpoints, oldest first (a tenant has a handful). */
export async function listWebhookEndpoints(prisma: Db, input: z.input<typeof listWebhookEndpointsInput>): Promise<WebhookEndpointView[]> {
  const { tenantId } = parseInput(listWebhookEndpointsInput, input);
  const rows = await prisma.webhookEndpoint.findMany({ where: { tenantId, deletedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 500 });
  return rows.map(toWebhookEndpointView);
}
