import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import Stripe from 'stripe';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/tenancy/api-keys.js';
import { freePort } from '../../src/devtools/process/free-port.js';
import { projectRoot } from '../../src/project-root.js';
import { dashboardMetrics, seriesNamesIn } from '../support/dashboard-queries.js';
import { cleanUpStacks, stackEnvironment, startStack as startStackProcess, type Stack } from '../support/npm-start.js';

/**
 * `npm start` as a user runs it: the embedded stack comes up, answers /health/ready, serves the
 * Temporal UI, keeps its data across restarts, switches to existing servers by env, and leaves no
 * process behind on SIGTERM or even on SIGKILL.
 */

const running: ChildProcess[] = [];
const dataDirs: string[] = [];

afterAll(() => cleanUpStacks(running, dataDirs));

const startStack = (env: Record<string, string>): Promise<Stack> => startStackProcess(env, running);

/** The fields of API responses this file reads. */
interface ApiJson {
  id?: string;
  status?: string;
  amountPaid?: number;
  data?: ApiJson[];
  [field: string]: unknown;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Every live process whose command line mentions the data directory (postgres -D, temporal --db-filename). */
function processesUsing(dataDir: string): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return table.split('\n').filter((line) => line.includes(dataDir) && !line.includes('ps -eo'));
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return check();
}

describe('npm start (embedded dev stack)', async () => {
  const { dataDir, ports, env } = await stackEnvironment(dataDirs);
  let first: Stack;
  let metricsPort: number;

  it('comes up: /health/ready is 200 and the Temporal UI answers', async () => {
    metricsPort = await freePort();
    first = await startStack({ ...env, METRICS_PORT: String(metricsPort) });
    expect(first.apiUrl).toBe(`http://127.0.0.1:${ports.PORT}`);
    const ready = await fetch(`${first.apiUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { status: 'up' }, temporal: { status: 'up' } } });
    expect(first.uiUrl).toBe(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);
    expect((await fetch(first.uiUrl)).status).toBe(200);
    expect(processesUsing(dataDir).length).toBeGreaterThanOrEqual(2); // postgres and temporal
  });

  it('runs the Stripe sandbox and points webhooks at its own API', async () => {
    expect(first.output()).toContain(`sandbox http://127.0.0.1:${ports.STRIPE_SANDBOX_PORT}`);
    const ledger = await fetch(`http://127.0.0.1:${ports.STRIPE_SANDBOX_PORT}/_sandbox/ledger`);
    expect(ledger.status).toBe(200);
    // A webhook signed with the stack's own secret is accepted by its API: the wiring is right.
    const secret = (await readFile(join(dataDir, 'stripe-webhook-secret'), 'utf8')).trim();
    const payload = JSON.stringify({ id: 'evt_e2e', object: 'event', type: 'customer.created', created: 1_800_000_000, data: { object: { id: 'cus_e2e' } } });
    const signature = await new Stripe('sk_test_e2e').webhooks.generateTestHeaderStringAsync({ payload, secret });
    const response = await fetch(`${first.apiUrl}/v1/webhooks/stripe`, { method: 'POST', body: payload, headers: { 'stripe-signature': signature, 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false, outcome: 'ignored' });
  });

  it('prints a demo API key that exists, hashed, in its database', async () => {
    expect(first.apiKey).toMatch(/^dbk_/);
    const client = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}/billing` });
    await client.connect();
    const { rows } = await client.query('SELECT tenant_id FROM api_keys WHERE hashed_key = $1', [hashApiKey(first.apiKey)]);
    await client.end();
    expect(rows).toEqual([{ tenant_id: first.tenantId }]);
  });

  it('the demo key drives billing over HTTP: customer, card, price, subscription, first invoice paid', async () => {
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${first.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${first.apiKey}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as ApiJson };
    };
    const customer = await call('POST', '/v1/customers', { currency: 'usd', email: 'e2e@example.com' });
    expect(customer.status).toBe(201);
    expect((await call('POST', `/v1/customers/${customer.body.id}/default-payment-method`, { paymentMethodId: 'pm_card_visa' })).status).toBe(200);
    const product = await call('POST', '/v1/products', { name: 'E2E plan' });
    const price = await call('POST', '/v1/prices', { productId: product.body.id, currency: 'USD', pricing: { model: 'flat', amount: 1234 }, interval: { unit: 'month' } });
    expect(price.status).toBe(201);
    const body = { customerId: customer.body.id, items: [{ priceId: price.body.id }] };
    const subscription = await call('POST', '/v1/subscriptions', body, { 'idempotency-key': 'e2e-signup' });
    expect(subscription.status).toBe(201);
    // Paid through the sandbox by the stack's own worker: $12.34, once, even when the create is repeated.
    const repeat = await call('POST', '/v1/subscriptions', body, { 'idempotency-key': 'e2e-signup' });
    expect(repeat.body.id).toBe(subscription.body.id);
    let paid = (await call('GET', `/v1/invoices?subscriptionId=${subscription.body.id}`)).body;
    for (let tries = 0; paid.data?.[0]?.status !== 'paid' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      paid = (await call('GET', `/v1/invoices?subscriptionId=${subscription.body.id}`)).body;
    }
    expect((paid.data ?? []).map((invoice) => [invoice.status, invoice.amountPaid])).toEqual([['paid', 1234]]);
    // The invoice is marked paid a moment before the workflow records the subscription active.
    let record = (await call('GET', `/v1/subscriptions/${subscription.body.id}?live=true`)).body;
    for (let tries = 0; record.status !== 'active' && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      record = (await call('GET', `/v1/subscriptions/${subscription.body.id}?live=true`)).body;
    }
    expect(record).toMatchObject({ status: 'active', live: { status: 'active' } });
    expect((await call('GET', '/v1/customers', undefined, { authorization: 'Bearer dbk_forged' })).status).toBe(401);
  });

  it("runs the README's first session as written: signup, upgrade, invoices, payments, pause, resume, cancel", { timeout: 180_000 }, async () => {
    const readme = await readFile(join(projectRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### A first session'));
    const block = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
    // The two lines a user fills in; everything else runs verbatim.
    const apiLine = 'API=http://127.0.0.1:3000';
    const keyLine = /^KEY=dbk_….*$/m;
    expect(block).toContain(apiLine);
    expect(block).toMatch(keyLine);
    const script = `${block.replace(apiLine, `API=${first.apiUrl}`).replace(keyLine, `KEY=${first.apiKey}`)}\necho "FIRST_SESSION_SUB=$SUB"\n`;
    // Not spawnSync: the stack's own output must keep draining while the script runs.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const bash = spawn('bash', ['-e', '-o', 'pipefail'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 150_000 });
      let stdout = '';
      let stderr = '';
      bash.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      bash.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      bash.on('close', (status) => resolve({ status, stdout, stderr }));
      bash.stdin.end(script);
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const subscriptionId = /FIRST_SESSION_SUB=(\S+)/.exec(run.stdout)?.[1];
    expect(subscriptionId).toMatch(/^sub_/);
    const get = async (path: string) => (await (await fetch(`${first.apiUrl}${path}`, { headers: { authorization: `Bearer ${first.apiKey}` } })).json()) as ApiJson;
    const subscription = await get(`/v1/subscriptions/${subscriptionId}`);
    // Upgraded to Pro (79.00), resumed, and set to cancel at the period's end.
    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, pausedAt: null, items: [expect.objectContaining({ quantity: 1 })] });
    const prices = await get('/v1/prices?limit=100');
    const pro = prices.data?.find((price) => price.id === (subscription.items as ApiJson[])[0]?.priceId);
    expect(pro?.pricing).toEqual({ model: 'flat', amount: 7900 });
    const invoices = (await get(`/v1/invoices?subscriptionId=${subscriptionId}`)).data ?? [];
    const seen = JSON.stringify(invoices.map((invoice) => [invoice.number, invoice.kind, invoice.status, invoice.total]));
    // Newest first: the signup's invoice is the oldest.
    const signup = invoices.at(-1);
    const proration = invoices.find((invoice) => invoice.kind === 'proration');
    expect([signup?.kind, signup?.status, signup?.total], seen).toEqual(['recurring', 'paid', 2900]);
    // The upgrade seconds into a month-long period: Pro's 7900 less Team's 2900 for almost all of
    // it, so just under 5000 (a minute of a 28–31-day period is under 0.003% of it: ≥ 4990).
    expect(proration?.status, seen).toBe('paid');
    expect(proration?.total as number).toBeGreaterThanOrEqual(4990);
    expect(proration?.total as number).toBeLessThanOrEqual(5000);
    // Every call answered 2xx (curl --fail-with-body), and the JSON bodies came back.
    expect(run.stdout).toContain('"object":"list"');
    expect(run.stderr).toBe('');
  });

  it('serves Prometheus metrics on the API and the worker port it prints, the Temporal SDK\'s among them; its logs are JSON lines', async () => {
    const workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    expect(first.output()).toContain(`Metrics        ${first.apiUrl}/metrics and ${workerMetrics}`);
    // The status gauge is read from the database every 15 s: wait for a read after the signups.
    const scrape = async (url: string) => {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      return response.text();
    };
    for (let tries = 0; tries < 40 && !/^billing_subscriptions\{status="active"\} [1-9]/m.test(await scrape(workerMetrics)); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const url of [`${first.apiUrl}/metrics`, workerMetrics]) {
      const text = await scrape(url);
      // Ours, by the earlier tests' requests and invoices…
      expect(text, url).toMatch(/^http_request_duration_seconds_count\{route="\/v1\/subscriptions",method="POST",status="201"\} [1-9]/m);
      expect(text, url).toMatch(/^billing_subscriptions\{status="active"\} [1-9]/m);
      // …and the SDK's own, namespaced temporal_.
      expect(text, url).toMatch(/^temporal_\w+/m);
      expect(text, url).toMatch(/^temporal_workflow_task_\w+/m);
    }
    // The dashboard's queries read metrics a live worker exports, the Temporal SDK's included.
    const offered = seriesNamesIn(await scrape(workerMetrics));
    expect(dashboardMetrics().filter(({ metric }) => !offered.has(metric))).toEqual([]);
    // Not a terminal, so JSON: every line after the banner's block that looks like a log line parses.
    const jsonLines = first.output().split('\n').filter((line) => line.startsWith('{'));
    expect(jsonLines.length).toBeGreaterThan(5);
    for (const line of jsonLines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(first.output()).not.toContain('\u001b[');
  });

  it('shows the customer\'s emails at the Mail URL it prints, and delivers signed webhooks to a receiver on loopback', async () => {
    const mailUrl = /Mail\s+(http:\/\/\S+)/.exec(first.output())?.[1];
    expect(mailUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The signup above: its invoice ($12.34 due) and its receipt, caught locally.
    let mail: Array<{ to: string[]; subject: string; text: string }> = [];
    for (let tries = 0; mail.filter((m) => m.to.includes('e2e@example.com')).length < 2 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      mail = (await (await fetch(`${mailUrl}/api/messages`)).json()) as typeof mail;
    }
    const subjects = mail.filter((m) => m.to.includes('e2e@example.com')).map((m) => m.subject).sort();
    expect(subjects).toEqual([expect.stringMatching(/^Invoice INV-\d+ from .*: 12\.34 USD due$/), expect.stringMatching(/^Receipt: 12\.34 USD paid to /)]);
    const page = await (await fetch(mailUrl!)).text();
    expect(page).toContain('Receipt: 12.34 USD');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/hosted\/invoices\/[\w-]+)/.exec(mail.find((m) => m.subject.startsWith('Invoice'))!.text)?.[1];
    expect((await fetch(link!)).status).toBe(200);

    const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const post = async (path: string, body: unknown) =>
        (await fetch(`${first.apiUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${first.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<ApiJson>;
      const endpoint = await post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, eventTypes: ['customer.created'] });
      const customer = await post('/v1/customers', { currency: 'usd', name: 'Webhook watcher' });
      for (let tries = 0; received.length === 0 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toHaveLength(1);
      const event = new Webhook(String(endpoint.secret)).verify(received[0]!.body, received[0]!.headers as Record<string, string>) as { type: string; data: { customerId: string } };
      expect([event.type, event.data.customerId]).toEqual(['customer.created', customer.id]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('DATABASE_URL and TEMPORAL_ADDRESS switch a second stack to the existing servers', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'durable-billing-e2e-existing-'));
    dataDirs.push(otherDir);
    const second = await startStack({
      DATA_DIR: otherDir,
      PORT: String(await freePort()),
      STRIPE_SANDBOX_PORT: String(await freePort()),
      DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}/billing`,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.TEMPORAL_DEV_PORT}`,
    });
    expect((await fetch(`${second.apiUrl}/health/ready`)).status).toBe(200);
    expect(second.tenantId).toBe(first.tenantId); // same database, same demo tenant
    expect(second.output()).not.toMatch(/starting embedded PostgreSQL|starting the Temporal dev server/);
    expect(processesUsing(otherDir)).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await exitOf(second.child)).toBe(0);
    expect((await fetch(`${first.apiUrl}/health/ready`)).status).toBe(200); // the first stack is untouched
  });

  it('SIGTERM stops everything, in order, and leaves no process behind', async () => {
    first.child.kill('SIGTERM');
    expect(await exitOf(first.child)).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopping…"[\s\S]*"msg":"stopped"/);
    expect(await eventually(() => processesUsing(dataDir).length === 0, 15_000)).toBe(true);
  });

  it('a restart finds its data again: same tenant, same key', async () => {
    const again = await startStack(env);
    expect(again.tenantId).toBe(first.tenantId);
    expect(again.apiKey).toBe(first.apiKey);
    expect((await readFile(join(dataDir, 'demo-api-key'), 'utf8')).trim()).toBe(first.apiKey);
    expect(again.output()).toMatch(/migrations applied \(0 new\)|prisma migrate deploy/);
    first = again;
  });

  it('even SIGKILL of npm start leaves no server behind (the reaper stops them)', async () => {
    expect(processesUsing(dataDir).length).toBeGreaterThanOrEqual(2);
    first.child.kill('SIGKILL');
    await exitOf(first.child);
    expect(await eventually(() => processesUsing(dataDir).length === 0, 20_000)).toBe(true);
  });
});
