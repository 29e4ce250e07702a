import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginJobRun } from '../../../../src/billing/jobs/begin-job-run.js';
import { completeJobRun } from '../../../../src/billing/jobs/complete-job-run.js';
import { purgeExpiredRows } from '../../../../src/billing/maintenance/purge-expired-rows.js';
import { createMeter } from '../../../../src/billing/meters/create-meter.js';
import { checkGatewayPayments } from '../../../../src/billing/reconciliation/check-gateway-payments.js';
import { findDuplicatePayments } from '../../../../src/billing/reconciliation/find-duplicate-payments.js';
import { recordDiscrepancies } from '../../../../src/billing/reconciliation/record-discrepancies.js';
import { takeBillingSnapshot, tenantsDueForSnapshot } from '../../../../src/billing/reports/take-billing-snapshot.js';
import { recordUsageEvents } from '../../../../src/billing/usage/record-usage-events.js';
import { verifyUsageRollups } from '../../../../src/billing/usage/verify-usage-rollups.js';
import { newId } from '../../../../src/ids.js';
import { money } from '../../../../src/domain/index.js';
import { seedCustomer, seedTenant } from '../../../support/billing-fixtures.js';
import { recurringInvoice, seedSeatSubscription, startActivityHarness, type ActivityHarness } from '../../../support/activity-harness.js';

// The operations the scheduled jobs are made of, against a real PostgreSQL and the Stripe sandbox
// through the SDK. The workflows that run them on Temporal Schedules are tested on the dev server
// (test/workflow/jobs).
let h: ActivityHarness;
beforeAll(async () => {
  h = await startActivityHarness();
});
afterAll(async () => {
  await h.close();
});

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('job runs: one per job and scheduled time', () => {
  it('a completed time answers with its result; a failed or abandoned one is taken over', async () => {
    const key = { job: 'billing-test-job', scheduledAt: Date.UTC(2026, 11, 1, 3, 30) };
    expect(await beginJobRun(h.db.prisma, { ...key, workflowId: 'wf-1', runId: 'run-1' })).toEqual({ status: 'begun' });
    // A second workflow for the same time while the first is still marked running takes it over.
    expect(await beginJobRun(h.db.prisma, { ...key, workflowId: 'wf-1', runId: 'run-2' })).toEqual({ status: 'begun' });
    await completeJobRun(h.db.prisma, { ...key, status: 'failed', result: { error: 'boom' }, now: new Date() });
    expect(await beginJobRun(h.db.prisma, { ...key, workflowId: 'wf-1', runId: 'run-3' })).toEqual({ status: 'begun' });
    await completeJobRun(h.db.prisma, { ...key, status: 'completed', result: { deleted: 3 }, now: new Date() });
    // Completed is final: a late completion of another run changes nothing, a new run repeats nothing.
    await completeJobRun(h.db.prisma, { ...key, status: 'completed', result: { deleted: 99 }, now: new Date() });
    expect(await beginJobRun(h.db.prisma, { ...key, workflowId: 'wf-1', runId: 'run-4' })).toEqual({ status: 'completed', result: { deleted: 3 }, workflowId: 'wf-1' });
    const row = await h.db.prisma.jobRun.findUniqueOrThrow({ where: { job_scheduledAt: { job: key.job, scheduledAt: new Date(key.scheduledAt) } } });
    expect([row.status, row.runId]).toEqual(['completed', 'run-3']);
  });
});

describe('retention', () => {
  it('deletes what is past each rule and tenant setting, in bounded batches, and nothing else', async () => {
    const now = new Date(Date.UTC(2026, 5, 1));
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const { tenantId: defaults } = await seedTenant(h.db.prisma, 'Defaults');
    const { tenantId: custom } = await seedTenant(h.db.prisma, 'Custom');
    // The custom tenant keeps webhook events 90 days and delivered outbox events 7 days.
    await h.db.prisma.billingSettings.create({ data: { tenantId: custom, webhookEventRetentionDays: 90, outboxRetentionDays: 7 } });

    const key = (tenantId: string, k: string, createdAt: Date, state = 'completed', lockedUntil: Date | null = null) =>
      ({ tenantId, key: k, method: 'POST', path: '/v1/customers', requestHash: 'h', state, lockedUntil, createdAt });
    await h.db.prisma.idempotencyKey.createMany({
      data: [
        key(defaults, 'expired', ago(25 * HOUR)), // deleted: older than 24 h
        key(defaults, 'fresh', ago(23 * HOUR)), // kept
        key(defaults, 'still-claimed', ago(25 * HOUR), 'in_progress', new Date(now.getTime() + HOUR)), // kept: its request still runs
      ],
    });
    const hook = (tenantId: string | null, id: string, receivedAt: Date, outcome = 'dispatched') => ({ id, provider: 'stripe', type: 'payment_intent.succeeded', tenantId, eventCreatedAt: receivedAt, receivedAt, outcome, payload: {} });
    await h.db.prisma.webhookEvent.createMany({
      data: [
        hook(defaults, 'evt_old_default', ago(40 * DAY)), // deleted: 40 > 30 days
        hook(custom, 'evt_old_custom', ago(40 * DAY)), // kept: 40 < 90 days
        hook(defaults, 'evt_old_pending', ago(40 * DAY), 'pending'), // kept: never processed
        hook(defaults, 'evt_recent', ago(10 * DAY)), // kept
        hook(null, 'evt_no_tenant', ago(40 * DAY), 'ignored'), // deleted: the default applies
      ],
    });
    const outbox = (tenantId: string, id: string, createdAt: Date, publishedAt: Date | null) => ({ id, tenantId, type: 'invoice.paid', aggregateType: 'invoice', aggregateId: 'in_x', dedupeKey: id, payload: {}, createdAt, publishedAt });
    await h.db.prisma.outboxEvent.createMany({
      data: [
        outbox(defaults, 'evt_out_delivered_old', ago(41 * DAY), ago(40 * DAY)), // deleted: delivered 40 > 30 days ago
        outbox(defaults, 'evt_out_undelivered', ago(40 * DAY), null), // kept: never delivered
        outbox(custom, 'evt_out_custom_10d', ago(11 * DAY), ago(10 * DAY)), // deleted: 10 > 7 days
        outbox(custom, 'evt_out_custom_5d', ago(6 * DAY), ago(5 * DAY)), // kept
      ],
    });

    await h.db.prisma.webhookEndpoint.create({ data: { id: 'we_retention', tenantId: defaults, url: 'https://93.184.215.14/', secret: 'whsec_x' } });
    const delivery = (id: string, createdAt: Date, status: 'pending' | 'succeeded' | 'failed') => ({ id, tenantId: defaults, endpointId: 'we_retention', eventId: id, eventType: 'invoice.paid', eventSeq: 1n, aggregateType: 'invoice', aggregateId: 'in_x', status, createdAt });
    await h.db.prisma.webhookDelivery.createMany({
      data: [
        delivery('whd_old_done', ago(40 * DAY), 'succeeded'), // deleted (its attempts with it)
        delivery('whd_old_failed', ago(40 * DAY), 'failed'), // deleted
        delivery('whd_old_pending', ago(40 * DAY), 'pending'), // kept: still being delivered
        delivery('whd_recent', ago(10 * DAY), 'succeeded'), // kept
      ],
    });
    await h.db.prisma.webhookDeliveryAttempt.create({ data: { id: 'wha_old', tenantId: defaults, deliveryId: 'whd_old_done', endpointId: 'we_retention', attemptKey: 's:1', trigger: 'scheduled', succeeded: true, durationMs: 5, attemptedAt: ago(40 * DAY) } });
    const email = (id: string, createdAt: Date, status: 'pending' | 'sent' | 'skipped') => ({ id, tenantId: defaults, eventId: id, kind: 'invoice_finalized', status, createdAt });
    await h.db.prisma.emailNotification.createMany({ data: [email('eml_old_sent', ago(40 * DAY), 'sent'), email('eml_old_pending', ago(40 * DAY), 'pending'), email('eml_recent', ago(2 * DAY), 'skipped')] });

    expect(await purgeExpiredRows(h.db.prisma, { kind: 'idempotency_keys', now, batchSize: 100 })).toBe(1);
    // Batches of one: two rows to delete take two batches, then a short (empty) one.
    expect(await purgeExpiredRows(h.db.prisma, { kind: 'webhook_events', now, batchSize: 1 })).toBe(1);
    expect(await purgeExpiredRows(h.db.prisma, { kind: 'webhook_events', now, batchSize: 1 })).toBe(1);
    expect(await purgeExpiredRows(h.db.prisma, { kind: 'webhook_events', now, batchSize: 1 })).toBe(0);
    expect(await purgeExpiredRows(h.db.prisma, { kind: 'outbox_events', now, batchSize: 100 })).toBe(2);

    const keys = await h.db.prisma.idempotencyKey.findMany({ where: { tenantId: defaults }, orderBy: { key: 'asc' } });
    expect(keys.map((k) => k.key)).toEqual(['fresh', 'still-claimed']);
    const hooks = await h.db.prisma.webhookEvent.findMany({ where: { id: { startsWith: 'evt_' } }, orderBy: { id: 'asc' } });
    expect(hooks.map((e) => e.id)).toEqual(['evt_old_custom', 'evt_old_pending', 'evt_recent']);
    const events = await h.db.prisma.outboxEvent.findMany({ where: { id: { startsWith: 'evt_out_' } }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.id)).toEqual(['evt_out_custom_5d', 'evt_out_undelivered']);
    expect(await purgeExpiredRows(h.db.prisma, { kind: 'webhook_deliveries', now, batchSize: 100 })).toBe(2);
    expect((await h.db.prisma.webhookDelivery.findMany({ orderBy: { id: 'asc' } })).map((d) => d.id)).toEqual(['whd_old_pending', 'whd_recent']);
    expect(await h.db.prisma.webhookDeliveryAttempt.count()).toBe(0);
    expect(await purgeExpiredRows(h.db.prisma, { kind: 'email_notifications', now, batchSize: 100 })).toBe(1);
    expect((await h.db.prisma.emailNotification.findMany({ orderBy: { id: 'asc' } })).map((e) => e.id)).toEqual(['eml_old_pending', 'eml_recent']);
  });
});

describe('daily billing snapshot', () => {
  it('counts and sums by status and currency at the tenant\'s hour, once per day', async () => {
    const { tenantId } = await seedTenant(h.db.prisma, 'Snapshots');
    await h.db.prisma.billingSettings.create({ data: { tenantId, snapshotHourUtc: 6 } });
    const usd = await seedSeatSubscription(h, { tenantId });
    const usd2 = await seedSeatSubscription(h, { tenantId });
    const usd3 = await seedSeatSubscription(h, { tenantId });
    await h.db.prisma.subscription.updateMany({ where: { id: { in: [usd.subscriptionId, usd2.subscriptionId] } }, data: { status: 'active' } });
    await h.db.prisma.subscription.update({ where: { id: usd3.subscriptionId }, data: { status: 'past_due' } });
    const eur = await seedCustomer(h.db.prisma, h.stripe.gateway, { tenantId, currency: 'EUR' });
    const invoice = (customerId: string, subscriptionId: string | null, currency: string, status: 'open' | 'paid', amountDue: number, attemptCount: number, amountPaid = 0) => ({
      id: newId('in'),
      tenantId,
      customerId,
      subscriptionId,
      sourceKey: newId('src'),
      kind: 'manual',
      status,
      currency,
      amountDue: BigInt(amountDue),
      amountPaid: BigInt(amountPaid),
      attemptCount,
    });
    await h.db.prisma.invoice.createMany({
      data: [
        invoice(usd.customerId, usd.subscriptionId, 'USD', 'open', 5000, 0), // due, not yet tried
        invoice(usd3.customerId, usd3.subscriptionId, 'USD', 'open', 2500, 2), // failed twice: past due
        invoice(usd2.customerId, usd2.subscriptionId, 'USD', 'paid', 4000, 1, 4000), // paid: not counted
        invoice(eur.customerId, null, 'EUR', 'open', 1000, 1), // past due in euros
      ],
    });

    expect(await tenantsDueForSnapshot(h.db.prisma, 6)).toContain(tenantId);
    expect(await tenantsDueForSnapshot(h.db.prisma, 0)).not.toContain(tenantId);
    const first = await takeBillingSnapshot(h.db.prisma, { tenantId, date: '2026-12-01', now: new Date() });
    expect(first.taken).toBe(true);
    const usdRow = first.rows.find((row) => row.currency === 'USD');
    // USD: subscriptions 2 active + 1 past_due; open invoices 5000 and 2500 → due 7,500, of which
    // the one tried twice (2,500) is past due.
    expect(usdRow).toEqual({ currency: 'USD', subscriptionsByStatus: { active: 2, past_due: 1 }, openInvoices: 2, overdueInvoices: 1, amountDue: 7500, pastDueAmount: 2500 });
    // EUR: no subscription, one open invoice of 1,000 tried once → 1,000 due, all of it past due.
    expect(first.rows.find((row) => row.currency === 'EUR')).toEqual({ currency: 'EUR', subscriptionsByStatus: {}, openInvoices: 1, overdueInvoices: 1, amountDue: 1000, pastDueAmount: 1000 });

    // Taken again (a retried or backfilled run), the day's first snapshot stands.
    await h.db.prisma.invoice.updateMany({ where: { tenantId, status: 'open', currency: 'USD' }, data: { status: 'paid' } });
    const again = await takeBillingSnapshot(h.db.prisma, { tenantId, date: '2026-12-01', now: new Date() });
    expect(again).toEqual({ taken: false, rows: first.rows });
  });
});

describe('usage close-out', () => {
  it('finds no drift in roll-ups made by ingestion, and reports a roll-up that disagrees with its events', async () => {
    const { tenantId } = await seedTenant(h.db.prisma, 'Usage');
    const customer = await seedCustomer(h.db.prisma, h.stripe.gateway, { tenantId, currency: 'USD' });
    const meter = await createMeter(h.db.prisma, { tenantId, key: 'tokens', displayName: 'Tokens', eventName: 'llm.call', aggregation: 'sum', valueProperty: 'tokens' });
    const hour = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
    const event = (n: number, at: number, tokens: string) => ({ transactionId: `tx-${n}`, eventName: 'llm.call', customerId: customer.customerId, timestamp: at, properties: { tokens } });
    await recordUsageEvents(h.db.prisma, {
      tenantId,
      events: [event(1, hour + 60_000, '1.5'), event(2, hour + 120_000, '2'), event(3, hour + 30 * 60_000, '3.25'), event(4, hour + HOUR + 5_000, '4')],
      now: Date.now(),
    });
    const clean = await verifyUsageRollups(h.db.prisma, { meterId: meter.id, from: hour, to: hour + 2 * HOUR });
    expect(clean).toEqual({ hours: 2, drift: [] });

    // A roll-up changed behind ingestion's back (a bad manual fix): one unit more than its events.
    await h.db.prisma.usageRollup.updateMany({ where: { tenantId, meterId: meter.id, hourStart: new Date(hour) }, data: { valueSum: { increment: 1 } } });
    const drifted = await verifyUsageRollups(h.db.prisma, { meterId: meter.id, from: hour, to: hour + 2 * HOUR });
    // Hour 1: 3 events, 1.5 + 2 + 3.25 = 6.75 tokens; the roll-up now says 7.75.
    expect(drifted.drift).toEqual([
      { tenantId, meterId: meter.id, customerId: customer.customerId, hourStart: new Date(hour).toISOString(), events: { count: '3', sum: '6.75' }, rollup: { count: '3', sum: '7.75' } },
    ]);
  });
});

describe('payment discrepancies', () => {
  it('finds a payment no invoice records and an invoice paid twice, records each once with its event, and charges nothing', async () => {
    const seeded = await seedSeatSubscription(h);
    await h.db.prisma.billingSettings.create({ data: { tenantId: seeded.tenantId, reconcileAfterMinutes: 0 } });
    const { tenantId } = seeded;
    // Period 0: issued and paid the normal way (attempt 1).
    const paid = await h.activities.issueInvoice({ invoice: recurringInvoice(seeded, 0) });
    const first = await h.activities.chargeInvoice({ tenantId, invoiceId: paid.invoiceId, attempt: 1 });
    expect(first.status).toBe('succeeded');
    await h.activities.recordPaymentOutcome({ tenantId, invoiceId: paid.invoiceId, attempt: 1, outcome: first, nextRetryAt: null });
    const customer = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: seeded.customerId } });
    // The same invoice charged again at the gateway (attempt 2) without our records knowing.
    const second = await h.stripe.gateway.chargeInvoice({ tenantId, invoiceId: paid.invoiceId, subscriptionId: seeded.subscriptionId, attempt: 2, amount: money(5000, 'USD'), gatewayCustomerId: customer.gatewayCustomerId! });
    // Period 1: issued, charged at the gateway, and the answer never recorded.
    const open = await h.activities.issueInvoice({ invoice: recurringInvoice(seeded, 1) });
    const lost = await h.stripe.gateway.chargeInvoice({ tenantId, invoiceId: open.invoiceId, subscriptionId: seeded.subscriptionId, attempt: 1, amount: money(5000, 'USD'), gatewayCustomerId: customer.gatewayCustomerId! });
    expect([second.status, lost.status]).toEqual(['succeeded', 'succeeded']);
    const chargesBefore = h.stripe.sandbox.ledger().filter((c) => c.status === 'succeeded').length;

    const window = { createdFrom: Date.now() - HOUR, createdTo: Date.now() + 60_000 };
    const findings = [];
    for (let cursor: string | null = null, firstPage = true; firstPage || cursor !== null; firstPage = false) {
      const page = await checkGatewayPayments({ prisma: h.db.prisma, gateway: h.stripe.gateway }, { ...window, cursor });
      findings.push(...page.findings.filter((f) => f.tenantId === tenantId));
      cursor = page.nextCursor;
    }
    const pi = (outcome: typeof second) => (outcome.status === 'succeeded' ? outcome.paymentIntentId : '');
    expect(findings.map((f) => [f.kind, f.invoiceId, f.paymentIntentId, f.amount]).sort()).toEqual(
      [
        ['duplicate_payment', paid.invoiceId, pi(second), 5000],
        ['unrecorded_payment', open.invoiceId, pi(lost), 5000],
      ].sort(),
    );
    expect(await recordDiscrepancies(h.db.prisma, findings, new Date())).toHaveLength(2);
    expect(await recordDiscrepancies(h.db.prisma, findings, new Date())).toHaveLength(0); // found again next hour: recorded once
    expect(await h.db.prisma.reconciliationDiscrepancy.count({ where: { tenantId } })).toBe(2);
    expect(await h.db.prisma.outboxEvent.count({ where: { tenantId, type: 'reconciliation.discrepancy' } })).toBe(2);
    expect(h.stripe.sandbox.ledger().filter((c) => c.status === 'succeeded').length).toBe(chargesBefore); // nothing charged

    // Our own records showing one invoice paid by two attempts is a duplicate too.
    await h.activities.recordPaymentOutcome({ tenantId, invoiceId: paid.invoiceId, attempt: 2, outcome: second, nextRetryAt: null });
    const duplicates = await findDuplicatePayments(h.db.prisma, window);
    expect(duplicates.filter((d) => d.tenantId === tenantId).map((d) => [d.kind, d.invoiceId, d.paymentIntentId, d.amount])).toEqual([['duplicate_payment', paid.invoiceId, pi(second), 5000]]);
    // The same payment as the gateway check found: the same finding, not a new one.
    expect(await recordDiscrepancies(h.db.prisma, duplicates, new Date())).toHaveLength(0);
  });
});
