import type { PrismaClient } from '../../db/prisma-client.js';
import { notFound } from '../failures.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import { loadEmailContext } from './email-context.js';
import { isEmailKind } from './email-kinds.js';
import type { EmailSender } from './email-sender.js';
import { renderEmail } from './email-template-engine.js';

export interface EmailDependencies {
  prisma: PrismaClient;
  /** Absent: the deployment sends no email (notifications are recorded `skipped`). */
  mailer?: EmailSender | undefined;
  publicUrl: string;
}

export type SendEmailResult = { status: 'sent' | 'skipped' | 'failed'; reason?: string };

async function skip(prisma: PrismaClient, id: string, reason: string): Promise<SendEmailResult> {
  await prisma.emailNotification.updateMany({ where: { id, status: 'pending' }, data: { status: 'skipped', error: reason } });
  return { status: 'skipped', reason };
}

/**
 * Sends one notification's email, once: a notification already sent (or skipped) answers what it
 * was. Rendered when sent, from the tenant's template for its kind or the default, to the address
 * the relay recorded. An SMTP failure is thrown for the caller's retries (the row keeps counting
 * attempts); the Message-ID is the notification's, so the one resend a crash after SMTP accepted
 * can cause is recognisable as the same message.
 */
export async function sendEmailNotification(deps: EmailDependencies, input: { tenantId: string; notificationId: string }): Promise<SendEmailResult> {
  const { prisma } = deps;
  const row = await prisma.emailNotification.findFirst({ where: { id: input.notificationId, tenantId: input.tenantId } });
  if (row === null) throw notFound('email_notification', input.notificationId);
  if (row.status !== 'pending') return { status: row.status, ...(row.error === null ? {} : { reason: row.error }) };
  await prisma.emailNotification.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
  if (deps.mailer === undefined) return skip(prisma, row.id, 'no SMTP server is configured (SMTP_URL)');
  if (row.toAddress === null || !isEmailKind(row.kind)) return skip(prisma, row.id, 'nothing to send');
  const event = await prisma.outboxEvent.findFirst({ where: { id: row.eventId, tenantId: row.tenantId }, select: { payload: true } });
  if (event === null) return skip(prisma, row.id, 'the event is no longer kept');
  const own = await prisma.emailTemplate.findUnique({ where: { tenantId_kind: { tenantId: row.tenantId, kind: row.kind } } });
  if (own !== null && !own.enabled) return skip(prisma, row.id, 'the tenant turned this email off');
  const context = await loadEmailContext(prisma, { tenantId: row.tenantId, kind: row.kind, customerId: row.customerId, data: event.payload as Record<string, unknown>, publicUrl: deps.publicUrl });
  const rendered = renderEmail(own ?? DEFAULT_TEMPLATES[row.kind], context);
  const tenantName = (context.tenant as { name: string }).name.replace(/["\\\r\n]/g, '');
  const messageId = `<${row.id}@durable-billing>`;
  await deps.mailer.send({
    messageId,
    from: `"${tenantName}" <${deps.mailer.fromAddress}>`,
    to: row.toAddress,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    headers: { 'X-Billing-Event-Id': row.eventId, 'X-Billing-Email-Kind': row.kind },
  });
  await prisma.emailNotification.update({ where: { id: row.id }, data: { status: 'sent', subject: rendered.subject, messageId, sentAt: new Date(), error: null } });
  return { status: 'sent' };
}

/** After the last retry: the notification is `failed`, with the last error. */
export async function markEmailFailed(prisma: PrismaClient, input: { tenantId: string; notificationId: string; error: string }): Promise<void> {
  await prisma.emailNotification.updateMany({ where: { id: input.notificationId, tenantId: input.tenantId, status: 'pending' }, data: { status: 'failed', error: input.error.slice(0, 500) } });
}
