import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { isUniqueViolation } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { endpointFields, type WebhookEndpointDependencies } from './endpoint-input.js';
import { newWebhookSecret } from './signing.js';
import { toWebhookEndpointView, type WebhookEndpointView } from './views.js';
import { assertSafeWebhookUrl } from './webhook-url.js';

const createWebhookEndpointInput = z.object({
  tenantId: idSchema,
  url: endpointFields.url,
  description: endpointFields.description.optional(),
  eventTypes: endpointFields.eventTypes.optional(),
  enabled: endpointFields.enabled.optional(),
  /** A caller-chosen id (the API derives one from the Idempotency-Key). */
  id: idSchema.optional(),
});

/**
 * Registers an endpoint with a fresh signing secret, returned once here (and by GET …/secret).
 * The URL is checked before anything is stored: https, no credentials, not resolving to a private
 * address. The same id again returns the endpoint it made.
 */
export async function createWebhookEndpoint(prisma: PrismaClient, deps: WebhookEndpointDependencies, input: z.input<typeof createWebhookEndpointInput>): Promise<WebhookEndpointView & { secret: string }> {
  const parsed = parseInput(createWebhookEndpointInput, input);
  if ((await prisma.tenant.count({ where: { id: parsed.tenantId } })) === 0) throw notFound('tenant', parsed.tenantId);
  const url = await assertSafeWebhookUrl(parsed.url, deps.urlPolicy, deps.resolveHost);
  const id = parsed.id ?? newId('we');
  try {
    const row = await prisma.webhookEndpoint.create({
      data: {
        id,
        tenantId: parsed.tenantId,
        url: url.toString(),
        description: parsed.description ?? null,
        eventTypes: [...new Set(parsed.eventTypes ?? [])],
        enabled: parsed.enabled ?? true,
        disabledReason: parsed.enabled === false ? 'by_request' : null,
        secret: newWebhookSecret(),
      },
    });
    return { ...toWebhookEndpointView(row), secret: row.secret };
  } catch (error) {
    if (!isUniqueViolation(error) || parsed.id === undefined) throw error;
    const existing = await prisma.webhookEndpoint.findFirst({ where: { id, tenantId: parsed.tenantId } });
    if (existing === null) throw error;
    return { ...toWebhookEndpointView(existing), secret: existing.secret };
  }
}
