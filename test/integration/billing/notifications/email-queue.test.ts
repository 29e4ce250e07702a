import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueEmails, emailRetryDelayMs, MAX_EMAIL_ATTEMPTS, sendDueEmails } from '../../../../src/billing/notifications/send-email-notification.js';
import type { EmailSender, OutgoingEmail } from '../../../../src/billing/notifications/email-sender.js';
import { writeOutboxEvents } from '../../../../src/billing/outbox/write-outbox-events.js';
import { newId } from '../../../../src/ids.js';
import { seedCustomer, seedTenant } from '../../../support/billing-fixtures.js';
import { startActivityHarness, type ActivityHarness } from '../../../support/activity-harness.js';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

/** An SMTP server that refuses until told otherwise, and keeps what it accepts. */
class FlakyMailer implements EmailSender {
  readonly fromAddress = 'billing@example.test';
  readonly sent: OutgoingEmail[] = [];
  failing = true;
  async send(email: OutgoingEmail): Promise<void> {
    if (this.failing) throw new Error('421 try again later');
    this.sent.push(email);
  }
}

async function pendingEmail(): Promise<{ id: string; tenantId: string }> {
  const { prisma } = harness.db;
  const { tenantId } = await seedTenant(prisma);
  const customer = await seedCustomer(prisma, harness.stripe.gateway, { tenantId, currency: 'USD' });
  await prisma.customer.update({ where: { id: customer.customerId }, data: { email: 'queue@example.com', name: 'Queue' } });
  const eventId = await prisma.$transaction(async (tx) => {
    await writeOutboxEvents(tx, tenantId, [{ type: 'subscription.trial_will_end', aggregateType: 'subscription', aggregateId: 'sub_x', dedupeKey: newId('k'), payload: { subscriptionId: 'sub_x', customerId: customer.customerId, trialEnd: '2027-01-01T00:00:00.000Z' } }]);
    return (await tx.outboxEvent.findFirstOrThrow({ where: { tenantId } })).id;
  });
  const id = newId('eml');
  await prisma.emailNotification.create({ data: { id, tenantId, eventId, kind: 'trial_ending', customerId: customer.customerId, toAddress: 'queue@example.com' } });
  return { id, tenantId };
}

describe('the email queue', () => {
  it('an SMTP failure is retried after its back-off, then sent once', async () => {
    const { prisma } = harness.db;
    const mailer = new FlakyMailer();
    const { id } = await pendingEmail();
    const deps = { prisma, mailer, publicUrl: 'http://billing.test' };
    const t0 = Date.now();
    expect(await sendDueEmails(deps, { now: new Date(t0), limit: 10, concurrency: 4 })).toBe(1);
    let row = await prisma.emailNotification.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'pending', attempts: 1, error: '421 try again later' });
    // Due again 10 s later (the first back-off), not before.
    expect(row.nextAttemptAt!.getTime() - t0).toBeGreaterThanOrEqual(emailRetryDelayMs(1) - 1_000);
    expect(await sendDueEmails(deps, { now: new Date(t0 + 1_000), limit: 10, concurrency: 4 })).toBe(0);
    mailer.failing = false;
    expect(await sendDueEmails(deps, { now: new Date(t0 + 11_000), limit: 10, concurrency: 4 })).toBe(1);
    row = await prisma.emailNotification.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'sent', attempts: 2, error: null, messageId: `<${id}@durable-billing>` });
    expect(mailer.sent.map((m) => [m.to, m.messageId])).toEqual([['queue@example.com', `<${id}@durable-billing>`]]);
    // Sent: never claimed again.
    expect(await sendDueEmails(deps, { now: new Date(t0 + 10 * 3_600_000), limit: 10, concurrency: 4 })).toBe(0);
  });

  it('gives up after the twelfth attempt; a claim that is never completed falls due again', async () => {
    const { prisma } = harness.db;
    const mailer = new FlakyMailer();
    const { id } = await pendingEmail();
    await prisma.emailNotification.update({ where: { id }, data: { attempts: MAX_EMAIL_ATTEMPTS - 1 } });
    await sendDueEmails({ prisma, mailer, publicUrl: 'http://billing.test' }, { now: new Date(), limit: 10, concurrency: 4 });
    expect(await prisma.emailNotification.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'failed', attempts: MAX_EMAIL_ATTEMPTS, error: '421 try again later' });

    const other = await pendingEmail();
    const now = Date.now();
    // A sender claims it and dies before sending: nobody else takes it during the lease, anyone after.
    expect((await claimDueEmails(prisma, { now: new Date(now), limit: 10 })).map((row) => row.id)).toEqual([other.id]);
    expect(await claimDueEmails(prisma, { now: new Date(now + 60_000), limit: 10 })).toEqual([]);
    expect((await claimDueEmails(prisma, { now: new Date(now + 121_000), limit: 10 })).map((row) => [row.id, row.attempts])).toEqual([[other.id, 2]]);
  });
});
