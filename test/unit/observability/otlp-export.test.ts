import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { billingTracer, startTracingFromEnvironment, tracingEnabled } from '../../../src/observability/tracing.js';

/** A collector stand-in: what the OTLP/HTTP exporter posts, as received. */
const received: Array<{ path: string; body: string }> = [];
const collector = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    received.push({ path: request.url ?? '', body });
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe('tracing from the environment', () => {
  it('is off (nothing registered) without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(startTracingFromEnvironment('api', {})).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
    // The no-op tracer: its spans record nothing.
    const span = billingTracer().startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
  });

  it('exports spans by OTLP/HTTP to the endpoint it names, with the service name', async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', () => resolve()));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const tracing = startTracingFromEnvironment('durable-billing-api', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(tracing).toBeDefined();
    expect(tracingEnabled()).toBe(true);
    billingTracer().startActiveSpan('exported-span', (span) => span.end());
    await tracing!.shutdown(); // flushes the batch
    expect(tracingEnabled()).toBe(false);
    const traces = received.filter((post) => post.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    const all = traces.map((post) => post.body).join('\n');
    expect(all).toContain('exported-span');
    expect(all).toContain('durable-billing-api');
  });
});
