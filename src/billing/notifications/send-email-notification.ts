import type { PrismaClient } from '../../db/prisma-client.js';
import type { EmailNotification } from '../../generated/prisma/client.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import { loadEmailContext } from './email-context.js';
import { isEmailKind } from './email-kinds.js';
import type { EmailSender } from './email-sender.js';
import { renderEmail } from './email-template-engine.js';
import { emailsSent } from '../../observability/metrics.js';

export interface EmailDependencies {
  prisma: PrismaClient;
  /** Absent: the deployment sends no email (notifications are recorded `skipped`). */
  mailer?: EmailSender | undefined;
  publicUrl: string;
}

export type SendEmailResult = { status: 'sent' | 'skipped' | 'failed' | 'retry'; reason?: string };

/** SMTP failures are retried 10 s, 20 s, 40 s … apart (at most an hour), twelve attempts in all: about 3.5 hours. */
export const MAX_EMAIL_ATTEMPTS = 12;
export function emailRetryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);
}
/** A claimed email not sent within this is due again (the sender died mid-send). */
const CLAIM_MS = 120_000;

async function settle(prisma: PrismaClient, id: string, status: 'skipped' | 'failed', reason: string): Promise<SendEmailResult> {
  await prisma.emailNotification.updateMany({ where: { id, status: 'pending' }, data: { status, error: reason.slice(0, 500), nextAttemptAt: null } });
  return { status, reason };
}

/**
 * Claims up to `limit` due emails (FOR UPDATE SKIP LOCKED: two senders never take the same one):
 * each gets an attempt counted and its next attempt pushed past the send, so one claimed by a
 * sender that then dies falls due again by itself. Answers the claimed rows.
 */
export async function claimDueEmails(prisma: PrismaClient, input: { now: Date; limit: number }): Promise<EmailNotification[]> {
  return prisma.$queryRaw<EmailNotification[]>`
    UPDATE email_notifications AS e SET attempts = e.attempts + 1, next_attempt_at = ${new Date(input.now.getTime() + CLAIM_MS)}
     WHERE e.id IN (
       SELECT id FROM email_notifications
        WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ${input.now})
        ORDER BY created_at LIMIT ${input.limit} FOR UPDATE SKIP LOCKED)
    RETURNING e.id, e.tenant_id AS "tenantId", e.event_id AS "eventId", e.kind, e.customer_id AS "customerId", e.to_address AS "toAddress", e.attempts`;
}

/**
 * Sends one claimed email: rendered now, from the tenant's template for its kind or the default,
 * to the address the relay recorded. A refusal to send (no address, the email turned off, no
 * SMTP) settles it `skipped`; an SMTP failure leaves it pending, due again after its back-off,
 * until the twelfth attempt marks it `failed`. The Message-ID is the notification's, so the one
 * resend a crash right after SMTP accepted can cause is recognisable as the same message.
 */
export async function sendEmailNotification(deps: EmailDependencies, row: Pick<EmailNotification, 'id' | 'tenantId' | 'eventId' | 'kind' | 'customerId' | 'toAddress' | 'attempts'>): Promise<SendEmailResult> {
  const { prisma } = deps;
  if (deps.mailer === undefined) return settle(prisma, row.id, 'skipped', 'no SMTP server is configured (SMTP_URL)');
  if (row.toAddress === null || !isEmailKind(row.kind)) return settle(prisma, row.id, 'skipped', 'nothing to send');
  const event = await prisma.outboxEvent.findFirst({ where: { id: row.eventId, tenantId: row.tenantId }, select: { payload: true } });
  if (event === null) return settle(prisma, row.id, 'skipped', 'the event is no longer kept');
  const own = await prisma.emailTemplate.findUnique({ where: { tenantId_kind: { tenantId: row.tenantId, kind: row.kind } } });
  if (own !== null && !own.enabled) return settle(prisma, row.id, 'skipped', 'the tenant turned this email off');
  try {
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
    await prisma.emailNotification.updateMany({ where: { id: row.id, status: 'pending' }, data: { status: 'sent', subject: rendered.subject, messageId, sentAt: new Date(), error: null, nextAttemptAt: null } });
    return { status: 'sent' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (row.attempts >= MAX_EMAIL_ATTEMPTS) return settle(prisma, row.id, 'failed', reason);
    await prisma.emailNotification.updateMany({ where: { id: row.id, status: 'pending' }, data: { error: reason.slice(0, 500), nextAttemptAt: new Date(Date.now() + emailRetryDelayMs(row.attempts)) } });
    return { status: 'retry', reason };
  }
}

/** One round of the sender: the due emails claimed and sent, `concurrency` at a time; answers how many were claimed. */
export async function sendDueEmails(deps: EmailDependencies, input: { now: Date; limit: number; concurrency: number }): Promise<number> {
  const claimed = await claimDueEmails(deps.prisma, { now: input.now, limit: input.limit });
  for (let i = 0; i < claimed.length; i += input.concurrency) {
    const results = await Promise.all(claimed.slice(i, i + input.concurrency).map((row) => sendEmailNotification(deps, row)));
    for (const result of results) emailsSent.inc({ outcome: result.status });
  }
  return claimed.length;
}
