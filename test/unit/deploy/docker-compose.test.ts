import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { apiConfigSchema, devStackConfigSchema, loadConfig, workerConfigSchema } from '../../../src/config/index.js';
import { projectRoot } from '../../../src/project-root.js';
import { metricsRegistry } from '../../../src/observability/metrics.js';
import { dashboard, dashboardMetrics, metricNamesIn, seriesNamesIn } from '../../support/dashboard-queries.js';

// Docker cannot run here, so the compose file is checked the way `docker compose config` would
// read it, and against the config schema the processes actually parse.

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

const schemaKeys = (schema: z.ZodObject): string[] => Object.keys(schema.shape);

describe('docker-compose.yml', () => {
  it('has the production-shaped services', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api', 'grafana', 'postgres', 'prometheus', 'setup', 'stripe-sandbox', 'temporal', 'temporal-postgresql', 'temporal-ui', 'worker',
    ]);
  });

  it.each([
    ['api', apiConfigSchema],
    ['worker', workerConfigSchema],
    ['setup', workerConfigSchema],
  ] as const)('%s environment uses only variables its config schema knows, and every value parses', (name, schema) => {
    const env = service(name).environment ?? {};
    const known = new Set([...schemaKeys(schema), ...schemaKeys(apiConfigSchema)]);
    expect(Object.keys(env).filter((key) => !known.has(key))).toEqual([]);
    expect(() => loadConfig(schema, env)).not.toThrow();
  });

  it('points DATABASE_URL at the postgres service with its own credentials', () => {
    const postgres = service('postgres').environment ?? {};
    for (const name of ['api', 'worker', 'setup']) {
      const url = new URL(service(name).environment?.DATABASE_URL ?? '');
      expect(url.hostname).toBe('postgres');
      expect(url.port).toBe('5432');
      expect(url.username).toBe(postgres.POSTGRES_USER);
      expect(url.password).toBe(postgres.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    }
  });

  it('points every Temporal client at the temporal service on the port it publishes', () => {
    expect(service('temporal').ports).toContain('7233:7233');
    for (const name of ['api', 'worker', 'setup', 'temporal-ui']) {
      expect(service(name).environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
  });

  it('wires the Stripe sandbox both ways: the SDK base URL, and webhooks signed with the API\'s secret', () => {
    const sandbox = service('stripe-sandbox').environment ?? {};
    const api = service('api').environment ?? {};
    expect(service('stripe-sandbox').ports).toEqual([`${sandbox.STRIPE_SANDBOX_PORT}:${sandbox.STRIPE_SANDBOX_PORT}`]);
    for (const name of ['api', 'worker']) {
      expect(service(name).environment?.STRIPE_API_BASE).toBe(`http://stripe-sandbox:${sandbox.STRIPE_SANDBOX_PORT}`);
    }
    expect(sandbox.STRIPE_WEBHOOK_URL).toBe(`http://api:${api.PORT}/v1/webhooks/stripe`);
    expect(sandbox.STRIPE_WEBHOOK_SECRET).toBe(api.STRIPE_WEBHOOK_SECRET);
  });

  it('publishes the API on the port the API listens on, and the UI on 8233', () => {
    const api = service('api');
    expect(api.ports).toEqual([`${api.environment?.PORT}:${api.environment?.PORT}`]);
    expect(service('temporal-ui').ports).toEqual(['8233:8080']);
  });

  it('gives Temporal its own database server', () => {
    const temporal = service('temporal').environment ?? {};
    expect(temporal.POSTGRES_SEEDS).toBe('temporal-postgresql');
    expect(temporal.POSTGRES_USER).toBe(service('temporal-postgresql').environment?.POSTGRES_USER);
  });

  it('health-checks the servers and orders start-up on them', () => {
    for (const name of ['postgres', 'temporal-postgresql', 'temporal', 'api']) expect(service(name).healthcheck?.test.length).toBeGreaterThan(0);
    expect(service('api').healthcheck?.test.join(' ')).toContain('/health/ready');
    expect(service('setup').depends_on).toEqual({ postgres: { condition: 'service_healthy' }, temporal: { condition: 'service_healthy' } });
    for (const name of ['api', 'worker']) {
      expect(service(name).depends_on).toEqual({ setup: { condition: 'service_completed_successfully' } });
    }
  });

  it('runs entry points that the build produces from real source files', () => {
    const entryPoints = [service('api'), service('worker'), service('setup'), service('stripe-sandbox')]
      .flatMap((s) => (s.command ?? []).join(' ').match(/dist\/\S+\.js/g) ?? []);
    expect(entryPoints.sort()).toEqual([
      'dist/src/api/main.js', 'dist/src/db/migrate-cli.js', 'dist/src/devtools/stripe-sandbox/main.js',
      'dist/src/temporal/setup-cli.js', 'dist/workers/main.js',
    ]);
    for (const entry of entryPoints) {
      expect(existsSync(join(projectRoot, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
    for (const name of ['api', 'worker', 'setup', 'stripe-sandbox']) expect(service(name).build).toBe('.');
    expect(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8')).toMatch(/npm run build/);
  });
});

describe('README configuration table', () => {
  it('documents every variable the processes read', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    const variables = new Set([...schemaKeys(apiConfigSchema), ...schemaKeys(workerConfigSchema), ...schemaKeys(devStackConfigSchema)]);
    expect([...variables].filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => v !== undefined && !variables.has(v) && !['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH', 'STRIPE_WEBHOOK_URL', 'STRIPE_SANDBOX_STATE', 'STRIPE_SANDBOX_SEED', 'CHROMIUM_PATH', 'POPPLER_BIN_DIR'].includes(v))).toEqual([]);
  });
});

describe('Prometheus and Grafana', () => {
  it('scrape the API and every worker on the ports their config sets, and provision the dashboard', () => {
    const prometheus = parse(readFileSync(join(projectRoot, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
    };
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((job) => [job.job_name, job]));
    expect(jobs['billing-api']?.static_configs?.[0]?.targets).toEqual([`api:${service('api').environment?.PORT}`]);
    expect(jobs['billing-worker']?.dns_sd_configs?.[0]).toEqual({ names: ['worker'], type: 'A', port: Number(service('worker').environment?.METRICS_PORT) });
    const grafana = service('grafana') as Service & { volumes?: string[] };
    for (const volume of grafana.volumes ?? []) expect(existsSync(join(projectRoot, volume.split(':')[0]!))).toBe(true);
    const datasource = parse(readFileSync(join(projectRoot, 'deploy', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as { datasources: Array<{ uid: string; url: string }> };
    expect(datasource.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    for (const panel of dashboard().panels) {
      expect(panel.datasource.uid, panel.title).toBe('prometheus');
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('the dashboard reads only metrics this code exports (the Temporal SDK\'s are checked against a live scrape in e2e)', async () => {
    const ours = seriesNamesIn(await metricsRegistry.metrics());
    const read = dashboardMetrics();
    expect(read.length).toBeGreaterThan(15);
    expect(read.filter(({ metric }) => !metric.startsWith('temporal_') && !ours.has(metric))).toEqual([]);
    // Every panel the issue asks for is there.
    const titles = dashboard().panels.map((panel) => panel.title).join(' | ');
    for (const topic of ['Request rate', 'latency', 'Errors', 'Invoices', 'collected', 'decline code', 'Dunning backlog', 'Workflow task latency']) expect(titles).toContain(topic);
  });

  it('reads metric names from PromQL as Prometheus would', () => {
    expect(metricNamesIn('sum by (decline_code) (rate(billing_payment_attempts_total{outcome!="succeeded"}[1h])) / ignoring(decline_code) group_left() sum(rate(billing_payment_attempts_total[1h]))')).toEqual(['billing_payment_attempts_total']);
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{route="/v1/x"}[5m])))')).toEqual(['http_request_duration_seconds_bucket']);
    expect(metricNamesIn('max by (status) (billing_subscriptions{status=~"past_due|unpaid"}) + up')).toEqual(['billing_subscriptions', 'up']);
  });
});
