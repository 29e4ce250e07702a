import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionQueueViewSchema } from '../../../src/billing/attention/views.js';
import { resolveChromium } from '../../../src/devtools/browser/chromium.js';
import { projectRoot } from '../../../src/project-root.js';
import { subscriptionWorkflowId } from '../../../src/temporal/workflow-ids.js';
import { ok } from '../../support/api-expect.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * The operator console in a real headless Chromium, over the real app served on a socket: a
 * month and a bit of real subscriptions (one upgraded, one whose card declines, one whose
 * workflow an operator terminated by mistake), then every page loaded and read back against
 * amounts worked out by hand. Screenshots go to test-artifacts/console/.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const shots = join(projectRoot, 'test-artifacts', 'console');
const TEMPORAL_UI = 'http://temporal-ui.example:8233';

let server: ServerType;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let t: ApiTenant;
let other: ApiTenant;
const ids: Record<string, string> = {};

async function customer(name: string, email: string) {
  const created = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', name, email } }), 201);
  await ok(api.request('POST', `/v1/customers/${created.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
  return created;
}

const live = (id: string) => ok(api.request('GET', `/v1/subscriptions/${id}?live=true`, { key: t.key }));
async function settled(id: string, check: (s: any) => boolean, what: string) {
  const sub = await eventually(() => live(id), check, 30_000);
  expect(check(sub), `${id} ${what}: ${JSON.stringify(sub)}`).toBe(true);
  return sub;
}

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  const executablePath = resolveChromium();
  t = await api.tenant();
  other = await api.tenant();
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Team plan' } }), 201);
  const price = (amount: number, nickname: string) =>
    ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', nickname, pricing: { model: 'flat', amount }, interval: { unit: 'month' } } }), 201);
  const basic = await price(1000, 'Basic');
  const pro = await price(3000, 'Pro');
  // Retries far apart: Bob is still past due (not canceled) when the pages are read.
  await ok(api.request('PUT', '/v1/dunning-policy', { key: t.key, body: { retryOffsetsDays: [20, 40], finalAction: 'cancel' } }));
  const [alice, bob, carol] = [await customer('Alice Ltd', 'alice@example.com'), await customer('Bob & Sons <b>', 'bob@example.com'), await customer('Carol GmbH', 'carol@example.com')];
  Object.assign(ids, { alice: alice.id, bob: bob.id, carol: carol.id });

  // 1 May: Alice basic $10, Bob pro $30, Carol basic $10.
  const may = utc(Y + 1, 5, 1);
  await api.h.skipTo(may - HOUR);
  const subscribe = async (customerId: string, priceId: string) =>
    (await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items: [{ priceId }], startAt: iso(may) } }), 201)).id as string;
  ids.subAlice = await subscribe(alice.id, basic.id);
  ids.subBob = await subscribe(bob.id, pro.id);
  ids.subCarol = await subscribe(carol.id, basic.id);
  await api.h.skipTo(may + 60_000);
  for (const id of [ids.subAlice, ids.subBob, ids.subCarol]) await settled(id, (s) => s.status === 'active', 'active');

  // 20 May: Carol's workflow is terminated by mistake: her row stays active, nothing renews her.
  await api.h.skipTo(utc(Y + 1, 5, 20));
  await api.h.env.client.workflow.getHandle(subscriptionWorkflowId(ids.subCarol)).terminate('an operator terminated the wrong workflow');

  // 1 June: the renewals; Bob's card declines every attempt.
  await api.h.stripe.sandbox.declineNextCharges(bob.gatewayCustomerId, 'insufficient_funds', 10);
  await api.h.skipTo(utc(Y + 1, 6, 1) + 60_000);
  await settled(ids.subBob, (s) => s.status === 'past_due', 'past due');
  await settled(ids.subAlice, (s) => s.currentPeriod?.index === 1, 'renewed');
  // 10 June: Alice upgrades to pro at once, no proration (+$20 MRR).
  await api.h.skipTo(utc(Y + 1, 6, 10));
  await ok(api.request('POST', `/v1/subscriptions/${ids.subAlice}/change`, { key: t.key, body: { items: [{ priceId: pro.id }], effective: 'now', prorationBehavior: 'none' } }));
  await settled(ids.subAlice, (s) => s.items[0]?.priceId === pro.id, 'upgraded');

  const app = api.appWith(api.h.env.client, undefined, { workflowUrl: (id) => `${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(subscriptionWorkflowId(id))}` });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await mkdir(shots, { recursive: true });
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('the operator console, in a browser', () => {
  it('asks for a key, refuses a bad one, and signs in with a read-only key into an HttpOnly cookie', async () => {
    await page.goto(`${base}/console/customers`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.fill('#apiKey', 'dbk_not_a_real_key');
    await page.click('button[type=submit]');
    expect(await text('[role=alert]')).toContain('invalid or has been revoked');
    await page.fill('#apiKey', t.readOnlyKey);
    await page.click('button[type=submit]');
    // Back where it was going.
    expect(new URL(page.url()).pathname).toBe('/console/customers');
    const cookie = (await context.cookies(`${base}/console`)).find((c) => c.name === 'dbk_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
  });

  it('overview: MRR, movements and collected vs outstanding to the cent', async () => {
    await page.goto(`${base}/console`);
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
    // June closes at Alice 3000 + Bob 3000 (past due still counts) + Carol 1000 (her row is active) = 7000.
    expect(await text('[data-kpi=mrr] .value')).toBe('70.00 USD');
    expect(await text('[data-kpi=arr] .value')).toBe('840.00 USD'); // 7000 × 12
    expect(await text('[data-kpi=customers] .value')).toBe('3');
    expect(await text('[data-kpi=arpu] .value')).toBe('23.33 USD'); // 7000 / 3 = 2333.3 → 2333
    // Invoiced: May 1000 + 3000 + 1000, June renewals Alice 1000 + Bob 3000 (Carol's never ran) = 9000;
    // collected all but Bob's June 3000 = 6000; Bob's 3000 is owed, and past due.
    expect(await text('[data-kpi=invoiced] .value')).toBe('90.00 USD');
    expect(await text('[data-kpi=collected] .value')).toBe('60.00 USD');
    expect(await text('[data-kpi=outstanding] .value')).toBe('30.00 USD');
    expect(await text('[data-kpi=past-due] .value')).toBe('30.00 USD');
    // The default range is the twelve months to today (10 June): the chart's last two points are May and June.
    const points = await page.locator('svg.mrr-chart circle.mrr-point').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-mrr'))));
    expect(points).toHaveLength(12);
    expect(points.slice(-2)).toEqual([5000, 7000]);
    // May: three new (1000 + 3000 + 1000); June: Alice's +2000 expansion.
    const cells = async (period: string) => (await page.locator(`table.movements tr[data-period="${period}"] td`).allTextContents()).map((cell) => cell.trim());
    expect(await cells(`${Y + 1}-05-01`)).toEqual([`${Y + 1}-05`, '0.00 USD', '50.00 USD', '0.00 USD', '0.00 USD', '0.00 USD', '0.00 USD', '50.00 USD', '3']);
    expect(await cells(`${Y + 1}-06-01`)).toEqual([`${Y + 1}-06`, '50.00 USD', '0.00 USD', '20.00 USD', '0.00 USD', '0.00 USD', '0.00 USD', '70.00 USD', '3']);
    const cash = await page.locator(`table.cash tr[data-period="${Y + 1}-06-01"] td`).allTextContents();
    expect(cash.map((cell) => cell.trim())).toEqual([`${Y + 1}-06`, '40.00 USD', '10.00 USD', '30.00 USD', '30.00 USD']);
    expect(await page.locator('svg.receivables-chart rect.outstanding').last().getAttribute('data-amount')).toBe('3000');
  });

  it('the overview by day, and a bad range answered with the field at fault', async () => {
    await page.goto(`${base}/console?interval=day&from=${Y + 1}-06-01&to=${Y + 1}-06-10`);
    expect(await page.locator('svg.mrr-chart circle.mrr-point').count()).toBe(10);
    expect(await text('[data-kpi=mrr] .value')).toBe('70.00 USD');
    const response = await page.goto(`${base}/console?from=${Y + 1}-06-10&to=${Y + 1}-06-01`);
    expect(response?.status()).toBe(400);
    expect(await text('[data-code]')).toBeTruthy();
    expect(await text('main ul')).toContain('to');
  });

  it('needs attention: Bob past due with his decline and next retry, Carol stuck with her missed renewal', async () => {
    await page.goto(`${base}/console/attention`);
    await page.screenshot({ path: join(shots, 'attention.png'), fullPage: true });
    const bobInvoice = (await ok(api.request('GET', `/v1/invoices?subscriptionId=${ids.subBob}&status=open`, { key: t.key }))).data[0];
    // Failed on 1 June; the first retry is 20 days after the failure.
    expect(bobInvoice.nextPaymentAttemptAt.slice(0, 10)).toBe(`${Y + 1}-06-21`);
    const pastDue = page.locator('tr[data-kind=past_due]');
    expect(await pastDue.count()).toBe(1);
    const bobRow = (await pastDue.textContent())!.replace(/\s+/g, ' ');
    expect(bobRow).toContain('Bob & Sons <b>');
    expect(bobRow).toContain('insufficient_funds');
    expect(bobRow).toContain(`retries 21 Jun ${Y + 1}`);
    expect(bobRow).toContain('30.00 USD');
    expect(await page.locator('tr[data-kind=failing]').count()).toBe(0);
    const stuck = page.locator('tr[data-kind=stuck]');
    expect(await stuck.count()).toBe(1);
    // Her workflow is gone and her 1 June renewal missed: one problem, said once.
    expect(await stuck.getAttribute('data-reason')).toBe('workflow_terminated');
    expect(await stuck.textContent()).toContain('Carol GmbH');
    expect(await stuck.textContent()).toContain(`renewal due ${Y + 1}-06-01T00:00:00.000Z has not happened`);
    expect(await stuck.textContent()).toContain('waits for an operator');
  });

  it('GET /v1/attention answers the same queue as JSON, to a read-only key', async () => {
    const queue = await ok(api.request('GET', '/v1/attention', { key: t.readOnlyKey }));
    expect(attentionQueueViewSchema.parse(queue)).toEqual(queue);
    const bobInvoice = (await ok(api.request('GET', `/v1/invoices?subscriptionId=${ids.subBob}&status=open`, { key: t.key }))).data[0];
    expect(queue.items.map((item: any) => [item.kind, item.reason, item.subscriptionId])).toEqual([
      ['past_due', 'payment_failed', ids.subBob],
      ['stuck', 'workflow_terminated', ids.subCarol],
    ]);
    expect(queue.items[0]).toMatchObject({
      invoiceId: bobInvoice.id,
      customerId: ids.bob,
      customerName: 'Bob & Sons <b>',
      nextRetryAt: bobInvoice.nextPaymentAttemptAt,
      nextAction: { kind: 'payment_retry', at: bobInvoice.nextPaymentAttemptAt },
      owed: { amount: 3000, currency: 'USD' }, // Bob's June renewal, $30.00, nothing paid
    });
    // Carol's workflow is gone: nothing answers for what comes next.
    expect(queue.items[1]).toMatchObject({ customerId: ids.carol, invoiceId: null, nextRetryAt: null, nextAction: null, owed: null, since: `${Y + 1}-06-01T00:00:00.000Z` });
  });

  it('customers, a customer, and the subscription page with periods, attempts, next action and the Temporal UI link', async () => {
    await page.goto(`${base}/console/customers`);
    await page.screenshot({ path: join(shots, 'customers.png'), fullPage: true });
    expect(await page.locator('table.customers tbody tr').count()).toBe(3);
    // The name is text, never markup.
    await page.getByRole('link', { name: 'Bob & Sons <b>' }).click();
    expect(new URL(page.url()).pathname).toBe(`/console/customers/${ids.bob}`);
    expect(await page.locator('b').count()).toBe(0);
    expect(await page.locator('table.subscriptions tbody tr').count()).toBe(1);
    expect(await page.locator('table.invoices tbody tr').count()).toBe(2);
    await page.getByRole('link', { name: ids.subBob }).click();
    await page.screenshot({ path: join(shots, 'subscription.png'), fullPage: true });
    expect(await page.locator('[data-next-action]').getAttribute('data-next-action')).toBe('payment_retry');
    // Period 1 (June, current) holds the declined renewal, attempt 1 declined; period 0 (May) the paid one.
    expect(await page.locator('section.period').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-period-index')))).toEqual(['1', '0']);
    const june = page.locator('section.period[data-period-index="1"]');
    expect(await june.textContent()).toContain('current');
    expect(await june.locator('li[data-payment=declined]').count()).toBe(1);
    expect(await june.textContent()).toContain('insufficient_funds');
    expect(await page.locator('section.period[data-period-index="0"] li[data-payment=succeeded]').count()).toBe(1);
    expect(await page.locator('a.temporal-link').getAttribute('href')).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(`subscription:${ids.subBob}`)}`);
    // Its MRR history: 3000 from 1 May (the renewal's failure does not change it).
    expect((await page.locator('table.mrr-history').textContent())?.includes('30.00 USD')).toBe(true);
    expect(await page.locator('table.events').textContent()).toContain('invoice.payment_failed');
  });

  it('a subscription whose workflow is gone still shows its record, and says nothing is scheduled', async () => {
    await page.goto(`${base}/console/subscriptions/${ids.subCarol}`);
    // A terminated workflow still answers queries with its last state ("renewal on 1 June"): the page must not show that as what comes next.
    expect(await page.locator('[data-next-action]').getAttribute('data-workflow')).toBe('terminated');
    expect(await text('[data-next-action] .value')).toBe('none: the workflow has terminated');
    expect(await page.locator('section.period[data-period-index="0"] li[data-payment=succeeded]').count()).toBe(1);
  });

  it('invoices: filtered by status, one invoice with its lines and attempts, and its PDF', async () => {
    await page.goto(`${base}/console/invoices?status=open`);
    await page.screenshot({ path: join(shots, 'invoices.png'), fullPage: true });
    expect(await page.locator('table.invoices tbody tr').count()).toBe(1);
    await page.locator('table.invoices tbody tr a').first().click();
    await page.screenshot({ path: join(shots, 'invoice.png'), fullPage: true });
    expect(await page.locator('table.totals tr', { hasText: 'Amount due' }).locator('td.n').textContent()).toBe('30.00 USD');
    expect(await page.locator('table.payments tbody tr').count()).toBe(1);
    const href = await page.locator('a.pdf-link').getAttribute('href');
    // The browser's own request, with its cookie.
    const pdf = await context.request.get(`${base}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const bad = await page.goto(`${base}/console/invoices?status=bogus`);
    expect(bad?.status()).toBe(400);
    expect(await text('main ul')).toContain('status');
  });

  it('needs attention lists a declined one-off invoice under failing payments, with its next retry', async () => {
    const third = await api.tenant();
    const dave = await ok(api.request('POST', '/v1/customers', { key: third.key, body: { currency: 'usd', name: 'Dave Inc' } }), 201);
    await ok(api.request('POST', `/v1/customers/${dave.id}/default-payment-method`, { key: third.key, body: { paymentMethodId: 'pm_card_visa' } }));
    await api.h.stripe.sandbox.declineNextCharges(dave.gatewayCustomerId, 'insufficient_funds', 10);
    const issued = await ok(api.request('POST', '/v1/invoices', { key: third.key, body: { customerId: dave.id, items: [{ description: 'Audit', unitAmount: 4500 }] } }), 201);
    const declined = await eventually(() => ok(api.request('GET', `/v1/invoices/${issued.id}`, { key: third.key })), (invoice: any) => invoice.attemptCount > 0 && invoice.nextPaymentAttemptAt !== null, 30_000);
    expect(declined.attemptCount).toBe(1);
    // Signed in by header this time: the console takes a Bearer key as the API does.
    const headed = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${third.readOnlyKey}` } });
    const tab = await headed.newPage();
    await tab.goto(`${base}/console/attention`);
    const failing = tab.locator('tr[data-kind=failing]');
    expect(await failing.count()).toBe(1);
    const row = (await failing.textContent())!.replace(/\s+/g, ' ');
    expect(row).toContain('Dave Inc');
    expect(row).toContain('insufficient_funds');
    expect(row).toContain('45.00 USD');
    const retry = new Date(declined.nextPaymentAttemptAt);
    expect(row).toContain(`retries ${retry.getUTCDate()} ${retry.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })} ${retry.getUTCFullYear()}`);
    expect(await tab.locator('tr[data-kind=past_due]').count()).toBe(0);
    await headed.close();
  });

  it("another tenant's key sees none of it, and a page of nothing says so", async () => {
    const headers = { authorization: `Bearer ${other.readOnlyKey}` };
    for (const path of [`/console/subscriptions/${ids.subBob}`, `/console/customers/${ids.bob}`]) {
      const response = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('Bob');
    }
    const attention = await (await fetch(`${base}/console/attention`, { headers })).text();
    expect(attention).not.toContain('Bob');
    expect(attention).toContain('Nothing past due.');
    const overview = await fetch(`${base}/console`, { headers });
    expect(await overview.text()).toContain('No subscription or invoice in this range yet.');
    // No script, nothing from elsewhere, never framed or cached.
    expect(overview.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(overview.headers.get('cache-control')).toBe('no-store');
    const nowhere = await fetch(`${base}/console/nowhere`, { headers });
    expect([nowhere.status, nowhere.headers.get('content-type')?.startsWith('text/html')]).toEqual([404, true]);
  });

  it('refuses a cross-site sign-in, and signing out ends the session', async () => {
    const forged = await fetch(`${base}/console/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: `apiKey=${encodeURIComponent(other.readOnlyKey)}`,
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
    await page.goto(`${base}/console`);
    await page.click('header button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect((await context.cookies(`${base}/console`)).find((c) => c.name === 'dbk_console')).toBeUndefined();
    await page.goto(`${base}/console/invoices`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
  });
});
