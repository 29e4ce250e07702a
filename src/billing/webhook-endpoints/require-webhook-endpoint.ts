import type { WebhookEndpoint } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';

/** The tenant's endpoint (a deleted one, or another tenant's, is not found). */
export async function requireWebhookEndpoint(db: Db, tenantId: string, endpointId: string): Promise<WebhookEndpoint> {
  const row = await db.webhookEndpoint.findFirst({ where: { id: endpointId, tenantId, deletedAt: null } });
  if (row === null) throw notFound('webhook_endpoint', endpointId);
  return row;
}
