import { describe, expect, it } from 'vitest';
import { ok, refused } from '../../support/api-expect.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * Usage billing through HTTP only: meters, metered prices, ingestion (single and batch, exactly
 * once), current usage, the upcoming invoice, and the invoice that follows it. Every amount is
 * worked out by hand in the comments.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const iso = (ms: number) => new Date(ms).toISOString();

/** A $20.00 monthly base fee and API calls at 2¢ each (graduated: the first 100 free), for a customer with a card. */
async function meteredPlan(t: ApiTenant) {
  const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', displayName: 'API calls', aggregation: 'count' } }), 201);
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'API plan' } }), 201);
  const base = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 2000 }, interval: { unit: 'month' } } }), 201);
  const calls = await ok(
    api.request('POST', '/v1/prices', {
      key: t.key,
      body: {
        productId: product.id,
        currency: 'USD',
        pricing: { model: 'graduated', tiers: [{ upTo: 100, unitAmount: 0 }, { upTo: null, unitAmount: 2 }] },
        interval: { unit: 'month' },
        usageType: 'metered',
        meterId: meter.id,
      },
    }),
    201,
  );
  const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'meter@example.com', name: 'Metered' } }), 201);
  await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
  return { meter, product, base, calls, buyer };
}

let sequence = 0;
const call = (customerId: string, timestamp: number, extra: Record<string, unknown> = {}) => ({ transactionId: `tx-${++sequence}`, eventName: 'api_calls', customerId, timestamp: iso(timestamp), ...extra });

describe('meters over HTTP', () => {
  it('creates, lists, reads, renames and archives a meter; refuses a taken key, a bad definition and a metered price without one', async () => {
    const t = await api.tenant();
    const created = await ok(
      api.request('POST', '/v1/meters', { key: t.key, body: { key: 'eu_requests', eventName: 'request', aggregation: 'sum', valueProperty: 'bytes', filters: [{ property: 'region', in: ['eu'] }] } }),
      201,
    );
    expect(created).toMatchObject({ object: 'meter', key: 'eu_requests', eventName: 'request', displayName: 'eu_requests', aggregation: 'sum', valueProperty: 'bytes', filters: [{ property: 'region', in: ['eu'] }], active: true });
    const count = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'logins', aggregation: 'count' } }), 201);
    expect(count.eventName).toBe('logins');

    await refused(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'logins', aggregation: 'count' } }), 409, 'meter_key_taken');
    await refused(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'bytes', aggregation: 'sum' } }), 422, 'invalid_meter');
    const malformed = await api.request('POST', '/v1/meters', { key: t.key, body: { key: '', aggregation: 'median' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.aggregation', 'body.key']);
    // The same Idempotency-Key gives back the same meter.
    const first = await ok(api.request('POST', '/v1/meters', { key: t.key, idempotencyKey: 'm-1', body: { key: 'seats', aggregation: 'weighted_sum', valueProperty: 'delta' } }), 201);
    const replay = await api.request('POST', '/v1/meters', { key: t.key, idempotencyKey: 'm-1', body: { key: 'seats', aggregation: 'weighted_sum', valueProperty: 'delta' } });
    expect([replay.status, replay.body.id]).toEqual([201, first.id]);

    const page = await ok(api.request('GET', '/v1/meters?limit=10', { key: t.key }));
    expect(page.data.map((m: any) => m.key)).toEqual(['seats', 'logins', 'eu_requests']);
    expect((await ok(api.request('GET', '/v1/meters?eventName=request', { key: t.key }))).data.map((m: any) => m.id)).toEqual([created.id]);
    expect(await ok(api.request('GET', `/v1/meters/${created.id}`, { key: t.key }))).toEqual(created);
    expect((await ok(api.request('POST', `/v1/meters/${created.id}`, { key: t.key, body: { displayName: 'EU traffic' } }))).displayName).toBe('EU traffic');

    const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Traffic' } }), 201);
    const metered = { productId: product.id, currency: 'USD', pricing: { model: 'per_unit', unitAmount: '0.000002' }, interval: { unit: 'month' }, usageType: 'metered' };
    await refused(api.request('POST', '/v1/prices', { key: t.key, body: metered }), 422, 'meter_required');
    const price = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { ...metered, meterId: created.id } }), 201);
    expect([price.meterId, price.pricing.unitAmount]).toEqual([created.id, '0.000002']);

    const archived = await ok(api.request('POST', `/v1/meters/${count.id}/archive`, { key: t.key }));
    expect(archived.active).toBe(false);
    expect((await ok(api.request('GET', '/v1/meters?active=true', { key: t.key }))).data.map((m: any) => m.key)).toEqual(['seats', 'eu_requests']);
    await refused(api.request('GET', '/v1/meters/meter_nope', { key: t.key }), 404, 'meter_not_found');
    // Another tenant sees none of it.
    const other = await api.tenant();
    await refused(api.request('GET', `/v1/meters/${created.id}`, { key: other.key }), 404, 'meter_not_found');
    // A read-only key reads but does not write.
    expect((await api.request('POST', '/v1/meters', { key: t.readOnlyKey, body: { key: 'x', aggregation: 'count' } })).status).toBe(403);
    expect((await api.request('GET', '/v1/meters', { key: t.readOnlyKey })).status).toBe(200);
  });
});

describe('usage events over HTTP', () => {
  it('stores each event once, answers a repeat as a duplicate, refuses a changed repeat and out-of-range timestamps, and says what is not billable', async () => {
    const t = await api.tenant();
    const plan = await meteredPlan(t);
    const start = utc(Y + 1, 6, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: plan.buyer.id, items: [{ priceId: plan.base.id }, { priceId: plan.calls.id }], startAt: iso(start) } }), 201);
    await api.h.skipTo(start + 2 * HOUR);
    await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'active');

    const event = call(plan.buyer.id, start + HOUR);
    const accepted = await ok(api.request('POST', '/v1/usage-events', { key: t.key, body: event }), 202);
    expect(accepted).toEqual({ object: 'usage_event', transactionId: event.transactionId, status: 'accepted', duplicate: false, customerId: plan.buyer.id, meterIds: [plan.meter.id], billable: true, subscriptionId: sub.id, reason: null });
    const repeat = await ok(api.request('POST', '/v1/usage-events', { key: t.key, body: event }), 202);
    expect([repeat.status, repeat.duplicate, repeat.billable]).toEqual(['duplicate', true, true]);
    await refused(api.request('POST', '/v1/usage-events', { key: t.key, body: { ...event, properties: { changed: true } } }), 409, 'usage_event_conflict');
    await refused(api.request('POST', '/v1/usage-events', { key: t.key, body: call(plan.buyer.id, start + 2 * HOUR - 36 * DAY) }), 422, 'usage_timestamp_out_of_range');
    await refused(api.request('POST', '/v1/usage-events', { key: t.key, body: call(plan.buyer.id, start + 2 * HOUR + 10 * MINUTE) }), 422, 'usage_timestamp_out_of_range');
    await refused(api.request('POST', '/v1/usage-events', { key: t.key, body: call('cus_nope', start + HOUR) }), 404, 'customer_not_found');
    const noCustomer = await api.request('POST', '/v1/usage-events', { key: t.key, body: { transactionId: 'tx-none', eventName: 'api_calls' } });
    expect([noCustomer.status, noCustomer.body.error.details.map((d: any) => d.field)]).toEqual([400, ['body.customerId']]);

    // Properties are flat: a nested value (the fuzzer once sent 10,000 levels of it) is a 400 naming the field.
    const nested = await api.request('POST', '/v1/usage-events', { key: t.key, body: { ...call(plan.buyer.id, start + HOUR), properties: { region: [[['eu']]] } } });
    expect([nested.status, nested.body.error.details.map((d: any) => d.field)]).toEqual([400, ['body.properties.region']]);

    // Kept but not billable: an event no meter reads, and one before the subscription started.
    const unread = await ok(api.request('POST', '/v1/usage-events', { key: t.key, body: { ...call(plan.buyer.id, start + HOUR), eventName: 'page_view' } }), 202);
    expect([unread.billable, unread.reason, unread.meterIds]).toEqual([false, 'no_meter', []]);
    const early = await ok(api.request('POST', '/v1/usage-events', { key: t.key, body: call(plan.buyer.id, start - MINUTE) }), 202);
    expect([early.billable, early.reason, early.subscriptionId]).toEqual([false, 'no_subscription', null]);

    // A batch: 150 new calls, one repeat of the first event, one out of range — each answered on its own.
    const fresh = Array.from({ length: 150 }, (_, i) => call(plan.buyer.id, start + HOUR + i * 1000));
    const bad = call(plan.buyer.id, start - 40 * DAY);
    const batch = await ok(api.request('POST', '/v1/usage-events/batch', { key: t.key, body: { events: [...fresh, event, bad] } }), 202);
    expect([batch.accepted, batch.duplicates, batch.rejected]).toEqual([150, 1, 1]);
    expect(batch.results[151]).toMatchObject({ transactionId: bad.transactionId, status: 'rejected', error: { code: 'usage_timestamp_out_of_range' } });
    // The same batch again (a client retry): nothing counted twice.
    const retried = await ok(api.request('POST', '/v1/usage-events/batch', { key: t.key, body: { events: [...fresh, event, bad] } }), 202);
    expect([retried.accepted, retried.duplicates, retried.rejected]).toEqual([0, 151, 1]);
    const tooMany = await api.request('POST', '/v1/usage-events/batch', { key: t.key, body: { events: Array.from({ length: 1001 }, () => call(plan.buyer.id, start + HOUR)) } });
    expect([tooMany.status, tooMany.body.error.details[0].field]).toEqual([400, 'body.events']);

    // 1 + 150 calls counted; the first 100 are free: 51 × 2¢ = 102¢.
    const usage = await ok(api.request('GET', `/v1/subscriptions/${sub.id}/usage`, { key: t.key }));
    expect(usage).toMatchObject({ object: 'subscription_usage', subscriptionId: sub.id, currency: 'USD', from: iso(start) });
    expect(usage.meters).toEqual([{ meterId: plan.meter.id, meterKey: 'api_calls', priceId: plan.calls.id, from: iso(start), to: usage.to, quantity: '151', amount: 102 }]);
    expect(Date.parse(usage.to)).toBeGreaterThanOrEqual(start + 2 * HOUR); // measured up to now
    // A read-only key may read usage but may not report it.
    expect((await api.request('GET', `/v1/subscriptions/${sub.id}/usage`, { key: t.readOnlyKey })).status).toBe(200);
    expect((await api.request('POST', '/v1/usage-events', { key: t.readOnlyKey, body: call(plan.buyer.id, start + HOUR) })).status).toBe(403);
  });

  it('the upcoming invoice is the invoice that is then issued, line for line', async () => {
    const t = await api.tenant();
    // The defaults: a 1-hour grace period, and the scheduled jobs' settings.
    expect(await ok(api.request('GET', '/v1/billing-settings', { key: t.key }))).toEqual({
      object: 'billing_settings',
      usageGracePeriodHours: 1,
      reconcileAfterMinutes: 15,
      snapshotHourUtc: 0,
      webhookEventRetentionDays: 30,
      outboxRetentionDays: 30,
      // README: invoice.upcoming a week before a renewal, invoice.overdue a week after finalization.
      upcomingRenewalNoticeDays: 7,
      invoiceOverdueDays: 7,
      // The invoice PDF's issuer: the tenant's name until set (invoice-pdf.test.ts).
      invoiceIssuerName: null,
      invoiceIssuerAddress: null,
      invoiceIssuerEmail: null,
      invoiceIssuerTaxId: null,
      invoiceFooter: null,
    });
    await refused(api.request('PUT', '/v1/billing-settings', { key: t.key, body: { usageGracePeriodHours: 100 } }), 400, 'invalid_request');
    const bad = await api.request('PUT', '/v1/billing-settings', { key: t.key, body: { usageGracePeriodHours: 2, snapshotHourUtc: 24, outboxRetentionDays: 0, upcomingRenewalNoticeDays: 0, invoiceOverdueDays: 400 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.invoiceOverdueDays', 'body.outboxRetentionDays', 'body.snapshotHourUtc', 'body.upcomingRenewalNoticeDays']);
    expect(await ok(api.request('PUT', '/v1/billing-settings', { key: t.key, body: { usageGracePeriodHours: 3, reconcileAfterMinutes: 5, snapshotHourUtc: 6 } }))).toMatchObject({ usageGracePeriodHours: 3, reconcileAfterMinutes: 5, snapshotHourUtc: 6 });
    // A setting left out keeps its value.
    expect(await ok(api.request('PUT', '/v1/billing-settings', { key: t.key, body: { usageGracePeriodHours: 2 } }))).toMatchObject({ usageGracePeriodHours: 2, reconcileAfterMinutes: 5, snapshotHourUtc: 6, outboxRetentionDays: 30 });
    const plan = await meteredPlan(t);
    const start = utc(Y + 1, 7, 1);
    const august = utc(Y + 1, 8, 1);
    await api.h.skipTo(start - HOUR);
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: plan.buyer.id, items: [{ priceId: plan.base.id }, { priceId: plan.calls.id }], startAt: iso(start) } }), 201);
    await api.h.skipTo(start + DAY);
    await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'active');
    const batch = Array.from({ length: 350 }, (_, i) => call(plan.buyer.id, start + HOUR + i * MINUTE));
    await ok(api.request('POST', '/v1/usage-events/batch', { key: t.key, body: { events: batch } }), 202);

    // August 1: the base fee for August in advance, July's 350 calls in arrears:
    // 2000 + (350 − 100 free) × 2¢ = 2000 + 500 = 2500.
    const upcoming = await ok(api.request('GET', `/v1/subscriptions/${sub.id}/upcoming-invoice`, { key: t.key }));
    const shape = (invoice: any) => ({
      total: invoice.total,
      subtotal: invoice.subtotal,
      lines: invoice.lines.map((l: any) => [l.kind, l.priceId, l.amount, l.meterId, l.usageQuantity, l.periodStart, l.periodEnd]),
    });
    expect(upcoming).toMatchObject({ object: 'upcoming_invoice', id: null, status: 'draft', subscriptionId: sub.id, total: 2500 });
    expect(shape(upcoming).lines).toEqual([
      ['recurring', plan.base.id, 2000, null, null, iso(august), iso(utc(Y + 1, 9, 1))],
      ['usage', plan.calls.id, 500, plan.meter.id, '350', iso(start), iso(august)],
    ]);

    // The period ends; the invoice is held for the 2-hour grace period, then issued as previewed.
    await api.h.skipTo(august + 3 * HOUR);
    const issued = await eventually(
      async () => (await ok(api.request('GET', `/v1/invoices?subscriptionId=${sub.id}&limit=10`, { key: t.key }))).data,
      (list: any[]) => list.length === 2 && list[0].status === 'paid',
    );
    const invoice = await ok(api.request('GET', `/v1/invoices/${issued[0].id}`, { key: t.key }));
    expect(shape(invoice)).toEqual(shape(upcoming));
    // It said when: August 1 plus the 2-hour grace period.
    expect([upcoming.createdAt, invoice.finalizedAt >= iso(august + 2 * HOUR)]).toEqual([iso(august), true]);
    await refused(api.request('GET', `/v1/subscriptions/sub_nope/upcoming-invoice`, { key: t.key }), 404, 'subscription_not_found');
  });
});
