import { z } from 'zod';
import type { WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint } from '../../generated/prisma/client.js';
import { instant } from '../view-fields.js';

const nullableInstant = instant.nullable();

export const webhookEndpointViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()).describe('The event types delivered; empty: every type'),
    enabled: z.boolean(),
    disabledReason: z.enum(['gone', 'failing', 'by_request']).nullable().describe('`gone`: it answered 410; `failing`: five days of failed deliveries; `by_request`: disabled through the API'),
    failingSince: nullableInstant.describe('The first failed attempt since the last success'),
    previousSecretExpiresAt: nullableInstant.describe('Until then deliveries are signed with the previous secret too'),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'WebhookEndpoint' });

export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;

export const webhookEndpointWithSecretSchema = webhookEndpointViewSchema
  .extend({ secret: z.string().describe('The signing secret (`whsec_…`); shown when created or rotated, and by GET …/secret') })
  .meta({ id: 'WebhookEndpointWithSecret' });

export function toWebhookEndpointView(row: WebhookEndpoint): WebhookEndpointView {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    disabledReason: row.enabled ? null : ((row.disabledReason ?? 'by_request') as WebhookEndpointView['disabledReason']),
    failingSince: row.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** How long a rotated-out secret keeps signing (Svix: 24 hours), unless the rotation asks for less. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;

const attemptViewSchema = z.object({
  id: z.string(),
  trigger: z.enum(['scheduled', 'replay', 'test']),
  succeeded: z.boolean(),
  responseStatus: z.int().nullable(),
  responseBody: z.string().nullable().describe('The first 2 KiB of the response'),
  error: z.string().nullable().describe('Why no response was had (timeout, refused address, connection error)'),
  durationMs: z.int(),
  attemptedAt: instant,
});

export const webhookDeliveryViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_delivery'),
    endpointId: z.string(),
    eventId: z.string().describe('Also the `webhook-id` header of every attempt'),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'endpoint_disabled']),
    attemptCount: z.int(),
    lastResponseStatus: z.int().nullable(),
    lastAttemptAt: nullableInstant,
    nextAttemptAt: nullableInstant,
    deliveredAt: nullableInstant,
    createdAt: instant,
    attempts: z.array(attemptViewSchema).describe('Every attempt, oldest first'),
  })
  .meta({ id: 'WebhookDelivery' });

export type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;

export function toWebhookDeliveryView(row: WebhookDelivery & { attempts: WebhookDeliveryAttempt[] }): WebhookDeliveryView {
  return {
    id: row.id,
    object: 'webhook_delivery',
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attemptCount: row.attemptCount,
    lastResponseStatus: row.lastResponseStatus,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    attempts: [...row.attempts]
      .sort((a, b) => a.attemptedAt.getTime() - b.attemptedAt.getTime())
      .map((attempt) => ({
        id: attempt.id,
        trigger: attempt.trigger as 'scheduled' | 'replay' | 'test',
        succeeded: attempt.succeeded,
        responseStatus: attempt.responseStatus,
        responseBody: attempt.responseBody,
        error: attempt.error,
        durationMs: attempt.durationMs,
        attemptedAt: attempt.attemptedAt.toISOString(),
      })),
  };
}
