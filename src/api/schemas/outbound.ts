import { z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '../../billing/events/event-catalog.js';

const eventTypes = z
  .array(z.string().min(1).max(100))
  .max(100)
  .openapi({ description: `Event types to deliver (exact, or \`invoice.*\` for every invoice event); empty or absent: every type. The catalog: ${EVENT_TYPES.join(', ')}` });

const url = z.string().min(1).max(2048).openapi({ description: 'https; resolving to a public address (plain http only to a loopback receiver on a development server)', example: 'https://example.com/webhooks/billing' });
const description = z.string().max(500).nullable();

export const createWebhookEndpointBody = z
  .strictObject({ url, description: description.optional(), eventTypes: eventTypes.optional(), enabled: z.boolean().optional() })
  .openapi('CreateWebhookEndpoint');

export const updateWebhookEndpointBody = z
  .strictObject({ url: url.optional(), description: description.optional(), eventTypes: eventTypes.optional(), enabled: z.boolean().optional().openapi({ description: 'true re-enables an endpoint the system disabled (410 or five days failing)' }) })
  .openapi('UpdateWebhookEndpoint');

export const rotateWebhookSecretBody = z
  .strictObject({ expiresInHours: z.number().min(0).max(168).optional().openapi({ description: 'How long the old secret still signs beside the new one (default 24)' }) })
  .openapi('RotateWebhookSecret');

export const saveEmailTemplateBody = z
  .strictObject({
    subject: z.string().min(1).max(500).optional(),
    text: z.string().min(1).max(50_000).optional(),
    html: z.string().min(1).max(200_000).optional(),
    enabled: z.boolean().optional().openapi({ description: 'false: this email is not sent' }),
  })
  .openapi('SaveEmailTemplate');
