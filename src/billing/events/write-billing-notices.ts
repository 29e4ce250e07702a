import type { PrismaClient } from '../../db/prisma-client.js';
import { moneyFromColumn } from '../amounts.js';
import { runInTransaction } from '../db.js';
import { writeOutboxEvents, type OutboxEventRow } from '../outbox/write-outbox-events.js';
import { DEFAULT_INVOICE_OVERDUE_DAYS, DEFAULT_UPCOMING_RENEWAL_NOTICE_DAYS } from '../settings/get-billing-settings.js';

const DAY_MS = 86_400_000;
/** Stripe's `customer.subscription.trial_will_end` lead: three days before the trial ends. */
export const TRIAL_ENDING_NOTICE_DAYS = 3;
/** The longest notice a tenant may configure: the scan never looks further ahead. */
const MAX_NOTICE_DAYS = 60;
const BATCH = 500;

export interface BillingNoticesResult {
  trialWillEnd: number;
  upcoming: number;
  overdue: number;
}

/**
 * The events that come from the passing of time rather than a change: a trial ending in three
 * days, a renewal within the tenant's notice period, an invoice unpaid past its overdue period.
 * Each is written once for what it is about (its dedupe key names the trial end, the period, the
 * invoice), so the hourly run may repeat, overlap or be backfilled freely; a batch that is full
 * is read again from where it stopped.
 */
export async function writeBillingNotices(prisma: PrismaClient, input: { now: number }): Promise<BillingNoticesResult> {
  const now = new Date(input.now);
  const result: BillingNoticesResult = { trialWillEnd: 0, upcoming: 0, overdue: 0 };

  for (let after = ''; ; ) {
    const trials = await prisma.subscription.findMany({
      where: { status: 'trialing', trialEnd: { gt: now, lte: new Date(input.now + TRIAL_ENDING_NOTICE_DAYS * DAY_MS) }, id: { gt: after } },
      select: { id: true, tenantId: true, customerId: true, trialEnd: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    result.trialWillEnd += await write(
      prisma,
      trials.map((s) => [s.tenantId, { type: 'subscription.trial_will_end', aggregateType: 'subscription', aggregateId: s.id, dedupeKey: `subscription:${s.id}:trial_will_end:${s.trialEnd!.getTime()}`, payload: { subscriptionId: s.id, customerId: s.customerId, trialEnd: s.trialEnd!.toISOString() } }]),
    );
    if (trials.length < BATCH) break;
    after = trials.at(-1)!.id;
  }

  const settings = new Map((await prisma.billingSettings.findMany({ select: { tenantId: true, upcomingRenewalNoticeDays: true, invoiceOverdueDays: true } })).map((row) => [row.tenantId, row]));
  const noticeDays = (tenantId: string) => settings.get(tenantId)?.upcomingRenewalNoticeDays ?? DEFAULT_UPCOMING_RENEWAL_NOTICE_DAYS;
  const overdueDays = (tenantId: string) => settings.get(tenantId)?.invoiceOverdueDays ?? DEFAULT_INVOICE_OVERDUE_DAYS;

  for (let after = ''; ; ) {
    // A renewal is the end of a billed period of a subscription that goes on past it.
    const renewing = await prisma.subscription.findMany({
      where: { status: { in: ['active', 'past_due'] }, cancelAtPeriodEnd: false, currentPeriodEnd: { gt: now, lte: new Date(input.now + MAX_NOTICE_DAYS * DAY_MS) }, id: { gt: after } },
      select: { id: true, tenantId: true, customerId: true, currentPeriodEnd: true, currentPeriodIndex: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    const due = renewing.filter((s) => s.currentPeriodEnd!.getTime() <= input.now + noticeDays(s.tenantId) * DAY_MS);
    result.upcoming += await write(
      prisma,
      due.map((s) => [
        s.tenantId,
        {
          type: 'invoice.upcoming',
          aggregateType: 'subscription',
          aggregateId: s.id,
          dedupeKey: `subscription:${s.id}:upcoming:${s.currentPeriodEnd!.getTime()}`,
          payload: { subscriptionId: s.id, customerId: s.customerId, renewsAt: s.currentPeriodEnd!.toISOString(), periodIndex: s.currentPeriodIndex + 1 },
        },
      ]),
    );
    if (renewing.length < BATCH) break;
    after = renewing.at(-1)!.id;
  }

  for (let after = ''; ; ) {
    const open = await prisma.invoice.findMany({
      where: { status: 'open', finalizedAt: { lte: new Date(input.now - DAY_MS) }, id: { gt: after } },
      select: { id: true, tenantId: true, number: true, customerId: true, subscriptionId: true, amountDue: true, currency: true, finalizedAt: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    const overdue = open.filter((invoice) => invoice.finalizedAt!.getTime() <= input.now - overdueDays(invoice.tenantId) * DAY_MS);
    result.overdue += await write(
      prisma,
      overdue.map((invoice) => [
        invoice.tenantId,
        {
          type: 'invoice.overdue',
          aggregateType: 'invoice',
          aggregateId: invoice.id,
          dedupeKey: `invoice:${invoice.id}:overdue`,
          payload: {
            invoiceId: invoice.id,
            number: invoice.number,
            customerId: invoice.customerId,
            subscriptionId: invoice.subscriptionId,
            amountDue: moneyFromColumn(invoice.amountDue, invoice.currency),
            finalizedAt: invoice.finalizedAt!.toISOString(),
          },
        },
      ]),
    );
    if (open.length < BATCH) break;
    after = open.at(-1)!.id;
  }
  return result;
}

/** Writes the events, each tenant's in its own transaction; answers how many were new. */
async function write(prisma: PrismaClient, events: Array<[string, OutboxEventRow]>): Promise<number> {
  if (events.length === 0) return 0;
  const byTenant = new Map<string, OutboxEventRow[]>();
  for (const [tenantId, event] of events) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), event]);
  let written = 0;
  for (const [tenantId, rows] of byTenant) {
    written += await runInTransaction(prisma, async (tx) => {
      const before = await tx.outboxEvent.count({ where: { tenantId, dedupeKey: { in: rows.map((row) => row.dedupeKey) } } });
      await writeOutboxEvents(tx, tenantId, rows);
      return rows.length - before;
    });
  }
  return written;
}
