import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveChromium } from '../../src/devtools/browser/chromium.js';
import { projectRoot } from '../../src/project-root.js';
import { SCHEDULES } from '../../src/temporal/schedules/schedule-declarations.js';
import { STUCK_BILLING_SWEEP } from '../../workflows/scheduled-job-ids.js';
import { cleanUpStacks, stackEnvironment, startStack, type Stack } from '../support/npm-start.js';

/**
 * What an operator sees, in a real headless browser against `npm start`: the API docs render offline, the Schedules page lists
 * every declared schedule, a sweep's run shows its result, and the saved query for stuck payments
 * finds a subscription whose card is declined. Screenshots go to test-artifacts/temporal-ui/.
 */
const running: ChildProcess[] = [];
const dataDirs: string[] = [];
const shots = join(projectRoot, 'test-artifacts', 'temporal-ui');
let stack: Stack;
let browser: Browser;
let page: Page;
let client: Client;
let connection: Connection;
/** The declined signup of the saved-query test, which the console test looks up. */
let stuckSubscriptionId: string;

beforeAll(async () => {
  const executablePath = resolveChromium();
  const { env, ports } = await stackEnvironment(dataDirs);
  stack = await startStack({ ...env, API_RATE_LIMIT_PER_SECOND: '0' }, running);
  connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_DEV_PORT}` });
  client = new Client({ connection });
  await mkdir(shots, { recursive: true });
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await connection?.close();
  await cleanUpStacks(running, dataDirs);
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { id?: string; status?: string } }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the Temporal UI, in a browser', () => {
  it('lists every declared schedule under Schedules', async () => {
    await page.goto(`${stack.uiUrl}/namespaces/default/schedules`);
    for (const schedule of SCHEDULES) await page.getByText(schedule.id, { exact: true }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'schedules.png'), fullPage: true });
    for (const schedule of SCHEDULES) expect(await page.getByText(schedule.id, { exact: true }).count()).toBeGreaterThan(0);
  }, 120_000);

  it('finds a stuck payment by the saved query, and shows a triggered sweep\'s result', async () => {
    const customer = await call('POST', '/v1/customers', { currency: 'usd', email: 'stuck@example.com' });
    expect((await call('POST', `/v1/customers/${customer.body.id}/default-payment-method`, { paymentMethodId: 'pm_card_chargeCustomerFail' })).status).toBe(200);
    const product = await call('POST', '/v1/products', { name: 'UI plan' });
    const price = await call('POST', '/v1/prices', { productId: product.body.id, currency: 'USD', pricing: { model: 'flat', amount: 4900 }, interval: { unit: 'month' } });
    const subscription = await call('POST', '/v1/subscriptions', { customerId: customer.body.id, items: [{ priceId: price.body.id }] });
    expect(subscription.status).toBe(201);
    const workflowId = `subscription:${subscription.body.id}`;
    stuckSubscriptionId = subscription.body.id!;

    // The README's saved query "one customer's stuck payments" (a first charge declined leaves the
    // subscription incomplete; a renewal's, past due), as the Workflows page's filter URL.
    const query = `BillingStatus IN ("past_due", "incomplete") AND CustomerId = "${customer.body.id}"`;
    const deadline = Date.now() + 45_000;
    for (;;) {
      await page.goto(`${stack.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      const found = await page
        .getByText(workflowId)
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (found) break;
      if (Date.now() > deadline) {
        await page.screenshot({ path: join(shots, 'stuck-payments-not-found.png'), fullPage: true });
        throw new Error(`${workflowId} never listed for ${query}: ${JSON.stringify((await call('GET', `/v1/subscriptions/${subscription.body.id}`)).body.status)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    await page.screenshot({ path: join(shots, 'stuck-payments.png'), fullPage: true });

    // The sweep, triggered as an operator would, and its run's page with its result.
    const sweep = client.schedule.getHandle(STUCK_BILLING_SWEEP);
    const before = (await sweep.describe()).info.recentActions.length;
    await sweep.trigger();
    let run: { workflowId: string; firstExecutionRunId: string } | undefined;
    while (!run) {
      const actions = (await sweep.describe()).info.recentActions;
      if (actions.length > before) run = actions.at(-1)!.action.workflow;
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const result = (await client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result()) as { status: string; result: { checked: number } };
    expect(result.status).toBe('completed');
    await page.goto(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(run.workflowId)}/${run.firstExecutionRunId}/history`);
    await page.getByText('Completed').first().waitFor({ timeout: 60_000 });
    await page.getByText('checked').first().waitFor({ timeout: 60_000 }); // the result's JSON is on the page
    await page.screenshot({ path: join(shots, 'sweep-result.png'), fullPage: true });
  }, 240_000);

  it("the console npm start prints lists the declined signup as failing and links it to its workflow in the Temporal UI", async () => {
    const consoleUrl = /Console\s+(http:\/\/\S+)/.exec(stack.output())?.[1];
    expect(consoleUrl).toBe(`${stack.apiUrl}/console`);
    await page.goto(consoleUrl!);
    await page.fill('#apiKey', stack.apiKey);
    await page.click('button[type=submit]');
    await page.goto(`${stack.apiUrl}/console/attention`);
    // A declined first charge leaves the subscription incomplete with its invoice open: a failing payment.
    const row = page.locator('tr[data-kind=failing]', { hasText: stuckSubscriptionId });
    await row.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(shots, 'console-attention.png'), fullPage: true });
    await row.getByRole('link', { name: stuckSubscriptionId }).click();
    const link = await page.locator('a.temporal-link').getAttribute('href');
    expect(link).toBe(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(`subscription:${stuckSubscriptionId}`)}`);
    await page.goto(link!);
    await page.getByText(`subscription:${stuckSubscriptionId}`).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'console-workflow-link.png'), fullPage: false });
  }, 120_000);

  it('the local mail page npm start prints shows the declined customer\'s email, opened in the browser', async () => {
    const mailUrl = /Mail\s+(http:\/\/\S+)/.exec(stack.output())?.[1];
    expect(mailUrl).toBeDefined();
    // The declined signup above: an invoice for $49.00 and the failed payment, caught locally.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.goto(mailUrl!);
      const found = await page.getByText('Payment of 49.00 USD failed').first().waitFor({ timeout: 3_000 }).then(() => true).catch(() => false);
      if (found) break;
      if (Date.now() > deadline) throw new Error(`no payment-failed email on ${mailUrl}: ${await page.content()}`);
    }
    await page.screenshot({ path: join(shots, 'mail-inbox.png'), fullPage: true });
    await page.getByText('Payment of 49.00 USD failed').first().click();
    await page.getByText('stuck@example.com').first().waitFor({ timeout: 10_000 });
    // The HTML part, rendered in a sandboxed frame: the amount and the invoice link.
    const frame = page.frameLocator('iframe');
    await frame.getByText('We could not collect').waitFor({ timeout: 10_000 });
    expect(await frame.locator('a').first().getAttribute('href')).toMatch(/\/hosted\/invoices\//);
    await page.screenshot({ path: join(shots, 'mail-payment-failed.png'), fullPage: true });
  }, 120_000);
});

describe('the API docs, in a browser with no internet', () => {
  it('renders /docs from the server alone and shows the operations', async () => {
    const docs = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const api = new URL(stack.apiUrl);
    const refused: string[] = [];
    // Offline, as on a machine without internet: anything not from the API server is refused.
    await docs.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.host === api.host) return route.continue();
      refused.push(url.href);
      return route.abort('internetdisconnected');
    });
    await docs.goto(`${stack.apiUrl}/docs`);
    await docs.locator('.opblock').first().waitFor({ timeout: 30_000 });
    // Tags, operations and their paths, as the document declares them.
    await docs.getByText('durable-billing', { exact: false }).first().waitFor();
    expect(await docs.locator('.opblock').count()).toBeGreaterThan(50);
    for (const path of ['/v1/subscriptions', '/v1/invoices/{invoiceId}/pay', '/v1/webhook-endpoints']) {
      expect(await docs.locator('.opblock-summary-path', { hasText: path }).count(), path).toBeGreaterThan(0);
    }
    await docs.screenshot({ path: join(shots, 'api-docs.png'), fullPage: false });
    expect(refused).toEqual([]);
    await docs.close();
  }, 120_000);
});
