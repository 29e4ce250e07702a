import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refreshSubscriptionStatusGauge } from '../../../src/billing/reports/subscription-status-gauge.js';
import { configureLogging, loggingFromEnvironment } from '../../../src/observability/logger.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * What an operator watches: /metrics during a renewal burst, checked against the database, and
 * the logs of one request found by its id. Metrics are per process and other files' tests run in
 * it too, so every check is a difference between two scrapes.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const logDir = mkdtempSync(join(tmpdir(), 'billing-observability-'));
afterAll(() => {
  configureLogging(loggingFromEnvironment());
  rmSync(logDir, { recursive: true, force: true });
});

type Samples = Map<string, number>;

/** Prometheus text as `name{label="v",…}` → value (labels sorted, as the client writes them). */
function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+?)(\{.*\})? (\S+)$/.exec(line);
    if (match) samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

async function scrape(): Promise<{ text: string; samples: Samples }> {
  const response = await api.app.request('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, samples: parseMetrics(text) };
}

const delta = (before: Samples, after: Samples, key: string): number => (after.get(key) ?? 0) - (before.get(key) ?? 0);

async function ok<T = any>(response: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled.body;
}

async function subscriber(t: ApiTenant, priceId: string, startAt: number, paymentMethodId = 'pm_card_visa'): Promise<{ customerId: string; subscriptionId: string }> {
  const customer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 201);
  await ok(api.request('POST', `/v1/customers/${customer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId } }));
  const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: customer.id, items: [{ priceId }], startAt: new Date(startAt).toISOString() } }), 201);
  return { customerId: customer.id, subscriptionId: sub.id };
}

describe('GET /metrics', () => {
  it('counts a renewal burst exactly as the database records it: invoices, amounts, payments by decline code', async () => {
    const t = await api.tenant();
    const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Metered team' } }), 201);
    const price = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 2500 }, interval: { unit: 'month' } } }), 201);
    const start = utc(Y + 2, 3, 1);
    await api.h.skipTo(start - 3_600_000);
    await api.h.relay();
    const before = (await scrape()).samples;
    const subs = [];
    for (let i = 0; i < 6; i++) subs.push(await subscriber(t, price.id, start));
    // March 1: the first invoices, all paid.
    await api.h.skipTo(start + 60_000);
    await eventually(
      () => api.h.db.prisma.invoice.count({ where: { tenantId: t.tenantId, status: 'paid' } }),
      (count) => count === 6,
    );
    // From then on the sixth customer's charges decline with insufficient_funds (its card works).
    const declining = await api.h.db.prisma.customer.findUniqueOrThrow({ where: { id: subs[5]!.customerId } });
    await api.h.stripe.sandbox.declineNextCharges(declining.gatewayCustomerId!, 'insufficient_funds');
    // April 1: the renewals (the first retry of the declined one is a day later, after this test).
    await api.h.skipTo(utc(Y + 2, 4, 1) + 60_000);
    const finalized = () => api.h.db.prisma.invoice.findMany({ where: { tenantId: t.tenantId, finalizedAt: { not: null } } });
    await eventually(finalized, (rows) => rows.length === 12);
    await eventually(
      () => api.h.db.prisma.paymentAttempt.count({ where: { tenantId: t.tenantId, status: { in: ['succeeded', 'declined'] } } }),
      (count) => count === 12,
    );
    await api.h.relay();
    const { text, samples: after } = await scrape();

    // 6 subscriptions × 2 periods = 12 invoices of 2500 = 30,000 invoiced; all but the sixth's
    // renewal paid: 11 × 2500 = 27,500 collected.
    const invoices = await finalized();
    expect(invoices).toHaveLength(12);
    expect(delta(before, after, 'billing_invoices_issued_total{currency="USD"}')).toBe(12);
    expect(delta(before, after, 'billing_invoiced_minor_units_total{currency="USD"}')).toBe(invoices.reduce((sum, i) => sum + Number(i.total), 0));
    expect(delta(before, after, 'billing_invoiced_minor_units_total{currency="USD"}')).toBe(30_000);
    const paid = await api.h.db.prisma.paymentAttempt.findMany({ where: { tenantId: t.tenantId, status: 'succeeded' } });
    expect(delta(before, after, 'billing_collected_minor_units_total{currency="USD"}')).toBe(paid.reduce((sum, p) => sum + Number(p.amount), 0));
    expect(delta(before, after, 'billing_collected_minor_units_total{currency="USD"}')).toBe(27_500);
    expect(delta(before, after, 'billing_payment_attempts_total{outcome="succeeded",decline_code="none"}')).toBe(11);
    const declined = await api.h.db.prisma.paymentAttempt.count({ where: { tenantId: t.tenantId, status: 'declined', declineCode: 'insufficient_funds' } });
    expect(declined).toBe(1);
    expect(delta(before, after, 'billing_payment_attempts_total{outcome="declined",decline_code="insufficient_funds"}')).toBe(1);
    // Requests by route template, never by path: no id of any kind in any label.
    expect(delta(before, after, 'http_request_duration_seconds_count{route="/v1/subscriptions",method="POST",status="201"}')).toBe(6);
    expect(after.get('http_request_duration_seconds_count{route="/v1/customers/:customerId/default-payment-method",method="POST",status="200"}')).toBeGreaterThan(0);
    const labels = [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).join(' ');
    expect(labels).not.toMatch(/(ten|cust|sub|inv|price|prod|pay|evt)_[A-Za-z0-9]{10}/);

    // The status gauge is read from the database (on a timer), across tenants.
    const gauge = refreshSubscriptionStatusGauge(api.h.db.prisma, 3_600_000);
    await gauge.refresh();
    gauge.stop();
    const byStatus = await api.h.db.prisma.subscription.groupBy({ by: ['status'], _count: { _all: true } });
    const gauged = parseMetrics(await (await api.app.request('/metrics')).text());
    for (const row of byStatus) expect(gauged.get(`billing_subscriptions{status="${row.status}"}`), row.status).toBe(row._count._all);
  });
});

describe('logs', () => {
  it("finds one request's lines by its id: the access line with tenant, route, status and duration, JSON, nothing secret", async () => {
    const file = join(logDir, 'request-{pid}.ndjson');
    configureLogging({ level: 'debug', file });
    const t = await api.tenant();
    const requestId = 'req-observability-1';
    const created = await api.request('POST', '/v1/customers', { key: t.key, headers: { 'x-request-id': requestId }, body: { currency: 'usd', email: 'logged@example.com' } });
    expect([created.status, created.headers.get('x-request-id')]).toEqual([201, requestId]);
    // A client error: a 404 refusal is an answer, not a warning with a stack.
    const missing = await api.request('POST', '/v1/subscriptions', { key: t.key, headers: { 'x-request-id': 'req-observability-2' }, body: { customerId: created.body.id, items: [{ priceId: 'price_nope' }] } });
    expect(missing.status).toBe(404);
    // And one refused inside the workflow (an update validator): a 404 too, not a warning.
    const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Quiet' } }), 201);
    const price = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 700 }, interval: { unit: 'month' } } }), 201);
    await ok(api.request('POST', `/v1/customers/${created.body.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
    const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: created.body.id, items: [{ priceId: price.id }] } }), 201);
    await eventually(
      () => api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key }),
      (r) => r.body.status === 'active',
    );
    const change = await api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, body: { items: [{ priceId: 'price_nope' }] } });
    expect([change.status, change.body.error?.code]).toEqual([404, 'price_not_found']);
    const lines = readFileSync(file.replace('{pid}', String(process.pid)), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = lines.filter((line) => line.requestId === requestId);
    expect(mine).toEqual([
      expect.objectContaining({ level: 'info', msg: 'request', requestId, tenantId: t.tenantId, method: 'POST', route: '/v1/customers', status: 201, durationMs: expect.any(Number) }),
    ]);
    const refused = lines.filter((line) => line.requestId === 'req-observability-2');
    expect(refused.map((line) => [line.level, line.status])).toEqual([['info', 404]]);
    expect(lines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([]);
    const raw = readFileSync(file.replace('{pid}', String(process.pid)), 'utf8');
    expect(raw).not.toContain(t.key);
    expect(raw).not.toContain('logged@example.com');
  });

  it('activity lines carry the workflow id, run id, activity type and the billing ids of their input', async () => {
    const file = join(logDir, 'activities-{pid}.ndjson');
    configureLogging({ level: 'debug', file });
    const t = await api.tenant();
    const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Logged' } }), 201);
    const price = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 900 }, interval: { unit: 'month' } } }), 201);
    const { subscriptionId } = await subscriber(t, price.id, await api.h.env.currentTimeMs());
    await eventually(
      () => api.request('GET', `/v1/subscriptions/${subscriptionId}`, { key: t.key }),
      (r) => r.body.status === 'active',
    );
    const invoice = await api.h.db.prisma.invoice.findFirstOrThrow({ where: { subscriptionId } });
    const read = () => readFileSync(file.replace('{pid}', String(process.pid)), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    // The SDK logs an activity's completion once it has reported it, which may be after the workflow moved on.
    const completed = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.msg === 'Activity completed' && line.workflowId === `subscription:${subscriptionId}`);
    const lines = await eventually(async () => read(), (all) => completed(all).some((line) => line.activityType === 'chargeInvoice'));
    const activities = completed(lines);
    // The charge names its invoice; the subscription's own steps name the subscription.
    const charge = activities.find((line) => line.activityType === 'chargeInvoice');
    expect(charge, JSON.stringify(activities.map((line) => line.activityType))).toMatchObject({ workflowRunId: expect.any(String), tenantId: t.tenantId, invoiceId: invoice.id });
    expect(activities.find((line) => line.activityType === 'loadSubscriptionStart')).toMatchObject({ tenantId: t.tenantId, subscriptionId });
    expect(lines.some((line) => 'taskToken' in line && line.taskToken !== '[redacted]')).toBe(false);
  });
});
