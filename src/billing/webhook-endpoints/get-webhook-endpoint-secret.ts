import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';

const getWebhookEndpointSecretInput = z.object({ tenantId: idSchema, endpointId: idSchema });

/** The signing secret a receiver verifies with (and, during a rotation, the previous one). */
export async function getWebhookEndpointSecret(prisma: Db, input: z.input<typeof getWebhookEndpointSecretInput>): Promise<{ object: 'webhook_endpoint_secret'; secret: string; previousSecret: string | null; previousSecretExpiresAt: string | null }> {
  const { tenantId, endpointId } = parseInput(getWebhookEndpointSecretInput, input);
  const row = await requireWebhookEndpoint(prisma, tenantId, endpointId);
  return { object: 'webhook_endpoint_secret', secret: row.secret, previousSecret: row.previousSecret, previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null };
}
