import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics.js';

export const PROMETHEUS_CONTENT_TYPE = metricsRegistry.contentType;

/**
 * Everything this process measures in Prometheus text: our registry, then — when the Temporal
 * runtime exports its own metrics (`temporal_…`, the SDK's worker and client metrics) on an
 * internal address — those, read at scrape time, so one scrape has both.
 */
export async function renderMetrics(runtimeMetricsUrl?: string): Promise<string> {
  const ours = await metricsRegistry.metrics();
  if (runtimeMetricsUrl === undefined) return ours;
  const runtime = await fetch(runtimeMetricsUrl, { signal: AbortSignal.timeout(2_000) })
    .then((response) => (response.ok ? response.text() : ''))
    .catch(() => '');
  return runtime === '' ? ours : `${ours}\n${runtime}`;
}

export interface RunningMetricsServer {
  url: string;
  stop(): Promise<void>;
}

/** The worker's metrics port (METRICS_PORT): GET /metrics, nothing else. */
export async function startMetricsServer(options: { port: number; host?: string; runtimeMetricsUrl?: string }): Promise<RunningMetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      return;
    }
    renderMetrics(options.runtimeMetricsUrl).then(
      (text) => response.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE }).end(text),
      (error: unknown) => response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return { url: `http://${host}:${port}/metrics`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port nobody listens on now, for the Temporal runtime's own exporter (it takes an address, not 0). */
export async function unusedLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
