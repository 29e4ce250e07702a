import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { idSchema, parseInput } from '../validation.js';
import { endpointFields, type WebhookEndpointDependencies } from './endpoint-input.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import { toWebhookEndpointView, type WebhookEndpointView } from './views.js';
import { assertSafeWebhookUrl } from './webhook-url.js';

const FIELDS = ['url', 'description', 'eventTypes', 'enabled'] as const;

const updateWebhookEndpointInput = z
  .object({
    tenantId: idSchema,
    endpointId: idSchema,
    url: endpointFields.url.optional(),
    description: endpointFields.description.optional(),
    eventTypes: endpointFields.eventTypes.optional(),
    enabled: endpointFields.enabled.optional(),
  })
  .refine((input) => FIELDS.some((field) => input[field] !== undefined), { message: `Give at least one of ${FIELDS.join(', ')}` });

/**
 * Changes an endpoint. A new URL is checked as at registration. Enabling an endpoint the system
 * disabled (410, or five days failing) starts it afresh: its failure clock is cleared; deliveries
 * it missed meanwhile are `endpoint_disabled` in its log, each replayable.
 */
export async function updateWebhookEndpoint(prisma: PrismaClient, deps: WebhookEndpointDependencies, input: z.input<typeof updateWebhookEndpointInput>): Promise<WebhookEndpointView> {
  const { tenantId, endpointId, url, description, eventTypes, enabled } = parseInput(updateWebhookEndpointInput, input);
  const current = await requireWebhookEndpoint(prisma, tenantId, endpointId);
  const safeUrl = url === undefined ? undefined : (await assertSafeWebhookUrl(url, deps.urlPolicy, deps.resolveHost)).toString();
  const data: Prisma.WebhookEndpointUpdateInput = {
    ...(safeUrl === undefined ? {} : { url: safeUrl }),
    ...(description === undefined ? {} : { description }),
    ...(eventTypes === undefined ? {} : { eventTypes: [...new Set(eventTypes)] }),
    ...(enabled === undefined || enabled === current.enabled ? {} : enabled ? { enabled: true, disabledReason: null, failingSince: null } : { enabled: false, disabledReason: 'by_request' }),
  };
  const row = await prisma.webhookEndpoint.update({ where: { id: current.id }, data });
  return toWebhookEndpointView(row);
}
