import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLogging, loggingFromEnvironment } from '../../../src/observability/logger.js';
import { startTracing } from '../../../src/observability/tracing.js';
import { temporalClientInterceptors } from '../../../src/temporal/client-interceptors.js';
import { useApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * One trace from the HTTP request to the Stripe call: tracing is started before the harness
 * builds its worker (so the worker runs the OpenTelemetry interceptors and the workflow sink), and
 * spans go to an in-memory exporter this test reads.
 */
const exporter = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'tracing-test', exporter });

let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});
const logDir = mkdtempSync(join(tmpdir(), 'billing-tracing-'));
afterAll(async () => {
  await tracing.shutdown();
  configureLogging(loggingFromEnvironment());
  rmSync(logDir, { recursive: true, force: true });
});

interface Node {
  span: ReadableSpan;
  children: Node[];
}

function treeOf(spans: readonly ReadableSpan[], traceId: string): Node[] {
  const mine = spans.filter((span) => span.spanContext().traceId === traceId);
  const nodes = new Map(mine.map((span) => [span.spanContext().spanId, { span, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId === undefined ? undefined : nodes.get(node.span.parentSpanId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The path of span names from a root to the first span named `name`, or undefined. */
function pathTo(nodes: readonly Node[], name: string | RegExp, path: string[] = []): string[] | undefined {
  for (const node of nodes) {
    const here = [...path, node.span.name];
    if (typeof name === 'string' ? node.span.name === name : name.test(node.span.name)) return here;
    const below = pathTo(node.children, name, here);
    if (below) return below;
  }
  return undefined;
}

describe('tracing', () => {
  it('one trace from POST /v1/subscriptions through the Temporal client, the workflow and its activities, into PostgreSQL and Stripe', async () => {
    const client = new Client({ connection: api.h.env.connection, namespace: api.h.env.client.options.namespace, interceptors: temporalClientInterceptors() });
    const app = api.appWith(client);
    const t = await api.tenant();
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, { method, headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as { id: string; status?: string } };
    };
    const customer = await call('POST', '/v1/customers', { currency: 'usd' });
    await call('POST', `/v1/customers/${customer.body.id}/default-payment-method`, { paymentMethodId: 'pm_card_visa' });
    const product = await call('POST', '/v1/products', { name: 'Traced' });
    const price = await call('POST', '/v1/prices', { productId: product.body.id, currency: 'USD', pricing: { model: 'flat', amount: 1500 }, interval: { unit: 'month' } });
    exporter.reset();
    const logFile = join(logDir, 'tracing-{pid}.ndjson');
    configureLogging({ level: 'info', file: logFile });
    const created = await call('POST', '/v1/subscriptions', { customerId: customer.body.id, items: [{ priceId: price.body.id }] });
    expect(created.status).toBe(201);
    const root = exporter.getFinishedSpans().find((span) => span.name === 'POST /v1/subscriptions');
    expect(root, exporter.getFinishedSpans().map((s) => s.name).join(', ')).toBeDefined();
    const traceId = root!.spanContext().traceId;
    // The workflow's and activities' spans arrive as the worker runs them (workflow spans through
    // the sink). The workflow's own span ends when its run does: cancelling ends it.
    await eventually(
      async () => exporter.getFinishedSpans(),
      (all) => all.some((span) => span.spanContext().traceId === traceId && span.name === 'RunActivity:chargeInvoice'),
      30_000,
    );
    expect((await call('POST', `/v1/subscriptions/${created.body.id}/cancel`, { mode: 'now' })).status).toBe(200);
    const spans = await eventually(
      async () => exporter.getFinishedSpans(),
      (all) => all.some((span) => span.spanContext().traceId === traceId && span.name === 'RunWorkflow:subscriptionWorkflow'),
      30_000,
    );
    const tree = treeOf(spans, traceId);
    // One root: the request.
    const outline = (nodes: Node[], depth = 0): string => nodes.map((n) => `${'  '.repeat(depth)}${n.span.name}\n${outline(n.children, depth + 1)}`).join('');
    // One root, the request; every span of the trace hangs beneath it.
    expect(tree.map((node) => node.span.name), outline(tree)).toEqual(['POST /v1/subscriptions']);
    const names = (path: string[] | undefined) => path?.join(' → ');
    // The request's own queries, under it.
    expect(tree[0]!.children.map((node) => node.span.name)).toContain('prisma:client:operation');
    // The Temporal client starts the workflow; the worker's spans are its children, then the activities'.
    expect(names(pathTo(tree, 'StartWorkflow:subscriptionWorkflow'))).toBe('POST /v1/subscriptions → StartWorkflow:subscriptionWorkflow');
    const charge = pathTo(tree, 'RunActivity:chargeInvoice');
    expect(charge).toEqual(['POST /v1/subscriptions', 'StartWorkflow:subscriptionWorkflow', 'RunWorkflow:subscriptionWorkflow', 'StartActivity:chargeInvoice', 'RunActivity:chargeInvoice']);
    // The charge's Stripe call and its queries are beneath the activity.
    const stripe = pathTo(tree, /^stripe POST \/v1\/payment_intents/);
    expect(stripe?.slice(0, -1)).toEqual(charge);
    const issue = pathTo(tree, 'RunActivity:issueInvoice');
    expect(issue).toBeDefined();
    const issueNode = (function find(nodes: Node[]): Node | undefined {
      for (const node of nodes) {
        if (node.span.name === 'RunActivity:issueInvoice') return node;
        const below = find(node.children);
        if (below) return below;
      }
      return undefined;
    })(tree);
    expect(pathTo(issueNode?.children ?? [], 'prisma:client:operation')).toBeDefined();
    const stripeSpan = spans.find((span) => span.spanContext().traceId === traceId && span.name.startsWith('stripe POST /v1/payment_intents'))!;
    expect(stripeSpan.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/v1/payment_intents', 'http.response.status_code': 200 });
    expect(root!.attributes).toMatchObject({ 'http.route': '/v1/subscriptions', 'http.response.status_code': 201, 'billing.tenant_id': t.tenantId });
    // Its access line names the trace: logs and traces find each other.
    const lines = readFileSync(logFile.replace('{pid}', String(process.pid)), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.find((line) => line.msg === 'request' && line.route === '/v1/subscriptions');
    expect(access).toMatchObject({ traceId, spanId: root!.spanContext().spanId, requestId: root!.attributes['request.id'] });
  });

  it("continues the caller's trace from a traceparent header", async () => {
    const t = await api.tenant();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const response = await api.app.request('/v1/customers', { headers: { authorization: `Bearer ${t.key}`, traceparent: `00-${callerTrace}-${callerSpan}-01` } });
    expect(response.status).toBe(200);
    const server = exporter.getFinishedSpans().find((span) => span.name === 'GET /v1/customers' && span.spanContext().traceId === callerTrace);
    expect(server?.parentSpanId).toBe(callerSpan);
  });
});

