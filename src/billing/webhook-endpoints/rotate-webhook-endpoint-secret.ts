import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireWebhookEndpoint } from './require-webhook-endpoint.js';
import { newWebhookSecret } from './signing.js';
import { PREVIOUS_SECRET_GRACE_MS, toWebhookEndpointView, type WebhookEndpointView } from './views.js';

const rotateInput = z.object({
  tenantId: idSchema,
  endpointId: idSchema,
  /** How long the old secret keeps signing beside the new one: 0 (at once) to 168 hours; 24 by default. */
  expiresInHours: z.number().min(0).max(168).optional(),
});

/**
 * A new signing secret. Until the old one expires every delivery carries both signatures, so a
 * receiver can switch to the new secret whenever it likes within that window.
 */
export async function rotateWebhookEndpointSecret(prisma: Db, input: z.input<typeof rotateInput>, now: Date): Promise<WebhookEndpointView & { secret: string }> {
  const { tenantId, endpointId, expiresInHours } = parseInput(rotateInput, input);
  const current = await requireWebhookEndpoint(prisma, tenantId, endpointId);
  const graceMs = expiresInHours === undefined ? PREVIOUS_SECRET_GRACE_MS : Math.round(expiresInHours * 3_600_000);
  const row = await prisma.webhookEndpoint.update({
    where: { id: current.id },
    data: { secret: newWebhookSecret(), previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + graceMs) },
  });
  return { ...toWebhookEndpointView(row), secret: row.secret };
}
