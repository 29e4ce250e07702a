import { z } from 'zod';
import type { EmailNotification } from '../../generated/prisma/client.js';
import { instant } from '../view-fields.js';
import { EMAIL_KIND_NAMES } from './email-kinds.js';

export const emailTemplateViewSchema = z
  .object({
    object: z.literal('email_template'),
    kind: z.enum(EMAIL_KIND_NAMES as [string, ...string[]]),
    event: z.string().describe('The event type that sends it'),
    description: z.string(),
    source: z.enum(['default', 'tenant']).describe('`tenant`: saved with PUT; `default`: the built-in one'),
    enabled: z.boolean(),
    subject: z.string().describe('Handlebars'),
    text: z.string().describe('Handlebars, plain text'),
    html: z.string().describe('Handlebars, HTML (values escaped)'),
    updatedAt: instant.nullable(),
  })
  .meta({ id: 'EmailTemplate' });

export type EmailTemplateView = z.infer<typeof emailTemplateViewSchema>;

export const emailNotificationViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('email_notification'),
    eventId: z.string(),
    kind: z.string(),
    customerId: z.string().nullable(),
    to: z.string().nullable(),
    subject: z.string().nullable(),
    status: z.enum(['pending', 'sent', 'failed', 'skipped']),
    error: z.string().nullable().describe('Why it was skipped or failed'),
    attempts: z.int(),
    messageId: z.string().nullable(),
    createdAt: instant,
    sentAt: instant.nullable(),
  })
  .meta({ id: 'EmailNotification' });

export type EmailNotificationView = z.infer<typeof emailNotificationViewSchema>;

export function toEmailNotificationView(row: EmailNotification): EmailNotificationView {
  return {
    id: row.id,
    object: 'email_notification',
    eventId: row.eventId,
    kind: row.kind,
    customerId: row.customerId,
    to: row.toAddress,
    subject: row.subject,
    status: row.status,
    error: row.error,
    attempts: row.attempts,
    messageId: row.messageId,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}
