import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import { toWebhookEndpointView, type WebhookEndpointView } from './views.js';

const getWebhookEndpointInput = z.object({ tenantId: idSchema, endpointId: idSchema });

export async function getWebhookEndpoint(prisma: Db, input: z.input<typeof getWebhookEndpointInput>): Promise<WebhookEndpointView> {
  const { tenantId, endpointId } = parseInput(getWebhookEndpointInput, input);
  return toWebhookEndpointView(await requireWebhookEndpoint(prisma, tenantId, endpointId));
}
