import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBillingNotices } from '../../../../src/billing/events/write-billing-notices.js';
import { saveBillingSettings } from '../../../../src/billing/settings/save-billing-settings.js';
import { seedSeatSubscription, startActivityHarness, type ActivityHarness } from '../../../support/activity-harness.js';
import { newId } from '../../../../src/ids.js';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

const DAY = 86_400_000;
const NOW = Date.UTC(2027, 5, 10, 12);

describe('writeBillingNotices: the events of time passing, each once', () => {
  it('trial ending within three days, renewal within the notice period, invoice overdue after its period', async () => {
    const { prisma } = harness.db;
    const trial = await seedSeatSubscription(harness);
    const renewing = await seedSeatSubscription(harness);
    const later = await seedSeatSubscription(harness, { tenantId: renewing.tenantId });
    const ending = await seedSeatSubscription(harness, { tenantId: renewing.tenantId });
    // Trial ends in 2 days 23 hours: inside the 3-day notice. The renewal in 6 days is inside the
    // default 7; the one in 8 days is not; one canceling at period end does not renew.
    await prisma.subscription.update({ where: { id: trial.subscriptionId }, data: { status: 'trialing', trialEnd: new Date(NOW + 3 * DAY - 3_600_000) } });
    await prisma.subscription.update({ where: { id: renewing.subscriptionId }, data: { status: 'active', currentPeriodEnd: new Date(NOW + 6 * DAY) } });
    await prisma.subscription.update({ where: { id: later.subscriptionId }, data: { status: 'active', currentPeriodEnd: new Date(NOW + 8 * DAY) } });
    await prisma.subscription.update({ where: { id: ending.subscriptionId }, data: { status: 'active', currentPeriodEnd: new Date(NOW + DAY), cancelAtPeriodEnd: true } });
    // Invoices finalized 8 and 6 days ago, still open: only the first is past the default 7 days.
    const invoice = (finalizedDaysAgo: number) =>
      prisma.invoice.create({
        data: { id: newId('in'), tenantId: trial.tenantId, customerId: trial.customerId, currency: 'USD', status: 'open', number: `N-${finalizedDaysAgo}`, amountDue: 4200n, total: 4200n, finalizedAt: new Date(NOW - finalizedDaysAgo * DAY), sourceKey: newId('src'), kind: 'manual' },
      });
    const overdue = await invoice(8);
    await invoice(6);

    expect(await writeBillingNotices(prisma, { now: NOW })).toEqual({ trialWillEnd: 1, upcoming: 1, overdue: 1 });
    // Again, or an hour later: nothing new.
    expect(await writeBillingNotices(prisma, { now: NOW })).toEqual({ trialWillEnd: 0, upcoming: 0, overdue: 0 });
    expect(await writeBillingNotices(prisma, { now: NOW + 3_600_000 })).toEqual({ trialWillEnd: 0, upcoming: 0, overdue: 0 });

    const events = await prisma.outboxEvent.findMany({ where: { type: { in: ['subscription.trial_will_end', 'invoice.upcoming', 'invoice.overdue'] } }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.type, e.aggregateId])).toEqual([
      ['subscription.trial_will_end', trial.subscriptionId],
      ['invoice.upcoming', renewing.subscriptionId],
      ['invoice.overdue', overdue.id],
    ]);
    expect(events[0]!.payload).toEqual({ subscriptionId: trial.subscriptionId, customerId: trial.customerId, trialEnd: new Date(NOW + 3 * DAY - 3_600_000).toISOString() });
    expect(events[2]!.payload).toMatchObject({ invoiceId: overdue.id, number: 'N-8', amountDue: { amount: 4200, currency: 'USD' } });

    // A tenant with a 10-day notice hears of the renewal in 8 days too.
    await saveBillingSettings(prisma, { tenantId: renewing.tenantId, usageGracePeriodHours: 1, upcomingRenewalNoticeDays: 10 });
    expect(await writeBillingNotices(prisma, { now: NOW })).toEqual({ trialWillEnd: 0, upcoming: 1, overdue: 0 });
  });
});
