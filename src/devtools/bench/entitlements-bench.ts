import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import { projectRoot } from '../../project-root.js';
import { SCHEDULES } from '../../temporal/schedules/schedule-declarations.js';
import { freePort } from '../process/free-port.js';
import { startReaper } from '../process/reaper-client.js';
import { startServerProcess, type ServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';
import { apiClient, createBenchPrice, envNumber, untilQuiet } from './bench-support.js';
import { startDevStack, type DevStack } from './dev-stack.js';
import { formatSpread, spread, verdict } from './stats.js';

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

const DAY = 86_400_000;
/** The paced measurement: a busy application's check rate, served by one API process. */
const PACED_RATE = 5_000;

/** An API process of its own on the stack's PostgreSQL, Temporal and sandbox (`npm run api`), with or without the entitlement cache. */
function startApi(stack: DevStack, port: number, cache: 'on' | 'off', reaper: ReturnType<typeof startReaper>): ServerProcess {
  return startServerProcess({
    name: `api (ENTITLEMENT_CACHE=${cache})`,
    command: process.execPath,
    args: ['--import', 'tsx', join(projectRoot, 'src/api/main.ts')],
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${stack.env.EMBEDDED_POSTGRES_PORT}/billing`,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      STRIPE_SECRET_KEY: 'sk_test_entitlements_bench',
      STRIPE_API_BASE: stack.sandboxUrl,
      STRIPE_WEBHOOK_SECRET: 'whsec_entitlementsbench',
      API_RATE_LIMIT_PER_SECOND: '0',
      ENTITLEMENT_CACHE: cache,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    logFile: join(stack.dataDir, `api-${cache}.log`),
    reaper,
  });
}

/**
 * `npm run bench -- entitlements`: the entitlement check `GET /v1/customers/{id}/entitlements/{key}`
 * at 100 concurrent clients over BENCH_CUSTOMERS (default 10,000) customers, each with an active
 * subscription whose plan grants a metered API-call quota and some usage — answered by an API
 * process with the cache (warmed) and, side by side in the same run, by an identical one with
 * ENTITLEMENT_CACHE=off (straight from PostgreSQL), and — the floor of what this machine and load
 * generator can show — a bare node:http server answering a fixed answer of the same size. Each
 * request asks for a random customer.
 * Flat out (closed loop: each client asks again as soon as answered, so latency is mostly
 * queueing at saturation) and paced at 5,000 checks/s over the same 100 connections (the target
 * is read there); then the cache under writes: flat out while usage events arrive for random
 * customers, each invalidating that customer's answers.
 * BENCH_SECONDS (default 4) per measurement, BENCH_REPEATS (default 3).
 */
export async function runEntitlementsBench(say: (line: string) => void): Promise<{ ok: boolean }> {
  const seconds = envNumber('BENCH_SECONDS', 4);
  const repeats = envNumber('BENCH_REPEATS', 3);
  const customers = envNumber('BENCH_CUSTOMERS', 10_000);
  const clients = 100;
  const stack = await startDevStack(say);
  const reaper = startReaper();
  const [cachedPort, directPort] = [await freePort(), await freePort()];
  const cached = startApi(stack, cachedPort, 'on', reaper);
  const direct = startApi(stack, directPort, 'off', reaper);
  const barePort = await freePort();
  const bare = startServerProcess({
    name: 'bare answer server',
    command: process.execPath,
    args: ['--import', 'tsx', join(projectRoot, 'src/devtools/bench/bare-answer-server.ts')],
    cwd: projectRoot,
    env: { ...process.env, BARE_PORT: String(barePort) },
    logFile: join(stack.dataDir, 'bare-answer.log'),
    reaper,
  });
  try {
    const cachedUrl = `http://127.0.0.1:${cachedPort}`;
    const directUrl = `http://127.0.0.1:${directPort}`;
    await waitFor('the cached API', 60_000, cached.exited, async () => (await fetch(`${cachedUrl}/health`)).ok);
    await waitFor('the uncached API', 60_000, direct.exited, async () => (await fetch(`${directUrl}/health`)).ok);
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitFor('the bare answer server', 30_000, bare.exited, async () => (await fetch(`${bareUrl}/health`)).ok);

    // The seeded subscriptions have no workflows (a read benchmark): the stuck-billing sweep would
    // start 10,000 of them mid-measurement, so the schedules are paused for the run.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      const client = new Client({ connection });
      for (const schedule of SCHEDULES) await client.schedule.getHandle(schedule.id).pause('entitlements benchmark: seeded rows have no workflows');
    } finally {
      await connection.close();
    }

    // The plan: a flat price whose product grants 1,000 API calls a billing period (hard).
    const api = apiClient(stack);
    const priceId = await createBenchPrice(api);
    const price = await api.get<{ productId: string }>(`/v1/prices/${priceId}`);
    const meter = await api.post<{ id: string }>('/v1/meters', { key: 'bench_calls', aggregation: 'count' });
    await api.post('/v1/features', { key: 'api_calls', type: 'metered', meterId: meter.id });
    await api.post(`/v1/products/${price.productId}/entitlements`, { feature: 'api_calls', limit: 1000 });
    say(`seeding ${customers} customers with an active subscription each (rows written directly: a read benchmark)`);
    const now = Date.now();
    await stack.db.query(
      `WITH c AS (
         INSERT INTO customers (id, tenant_id, currency, email, created_at, updated_at)
         SELECT 'cus_bench' || lpad(g::text, 6, '0'), $1, 'USD', 'bench' || g || '@example.com', now(), now() FROM generate_series(1, $2::int) g
         RETURNING id
       ), s AS (
         INSERT INTO subscriptions (id, tenant_id, customer_id, status, currency, interval_unit, interval_count, billing_anchor, current_period_index, current_period_start, current_period_end, created_at, updated_at)
         SELECT 'sub_' || substr(id, 5), $1, id, 'active', 'USD', 'month', 1, $3::timestamp(3), 0, $3::timestamp(3), $4::timestamp(3), now(), now() FROM c
         RETURNING id
       )
       INSERT INTO subscription_items (id, tenant_id, subscription_id, price_id, quantity, created_at)
       SELECT 'si_' || substr(id, 5), $1, id, $5, 1, now() FROM s`,
      [stack.tenantId, customers, new Date(now - DAY), new Date(now + 29 * DAY), priceId],
    );
    // Usage: 5 calls per customer, through the API (so the roll-ups are the ones ingestion writes).
    const ids = Array.from({ length: customers }, (_, i) => `cus_bench${String(i + 1).padStart(6, '0')}`);
    let sequence = 0;
    for (let from = 0; from < ids.length; from += 200) {
      const events = ids.slice(from, from + 200).flatMap((customerId) => Array.from({ length: 5 }, () => ({ transactionId: `seed-${++sequence}`, eventName: 'bench_calls', customerId })));
      await api.post('/v1/usage-events/batch', { events });
    }
    const sample = await (await fetch(`${directUrl}/v1/customers/${ids[0]}/entitlements/api_calls`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json();
    say(`a check: ${JSON.stringify(sample)}`);
    if ((sample as { usage?: string }).usage !== '5' || (sample as { remaining?: string }).remaining !== '995') throw new Error('the seeded check does not answer usage 5 of 1000');
    await untilQuiet(stack.pids);

    const warm = async () => {
      await measure(cachedUrl, stack.apiKey, ids, clients, 0, { amount: ids.length });
      return hitRatio(cachedUrl, stack.apiKey, ids);
    };
    say(`cache warmed: ${((await warm()) * 100).toFixed(1)}% of a sample of 200 checks answered from it`);

    const ours: Figures[] = [];
    const paced: Figures[] = [];
    const straight: Figures[] = [];
    const underWrites: Figures[] = [];
    const floor: Figures[] = [];
    const floorPaced: Figures[] = [];
    for (let r = 0; r < repeats; r++) {
      // Every round starts warm: the previous round's writes invalidated customers.
      if (r > 0) await warm();
      ours.push(await measure(cachedUrl, stack.apiKey, ids, clients, seconds));
      paced.push(await measure(cachedUrl, stack.apiKey, ids, clients, seconds, { rate: PACED_RATE }));
      straight.push(await measure(directUrl, stack.apiKey, ids, clients, seconds));
      floor.push(await measure(bareUrl, stack.apiKey, ids, clients, seconds));
      floorPaced.push(await measure(bareUrl, stack.apiKey, ids, clients, seconds, { rate: PACED_RATE }));
      // Usage for random customers while the checks run: each accepted batch invalidates its customers.
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing) {
          const events = Array.from({ length: 20 }, () => ({ transactionId: `load-${++sequence}`, eventName: 'bench_calls', customerId: ids[Math.floor(Math.random() * ids.length)]! }));
          await api.post('/v1/usage-events/batch', { events });
          written += events.length;
        }
      })();
      underWrites.push(await measure(cachedUrl, stack.apiKey, ids, clients, seconds));
      writing = false;
      await writer;
      say(`  round ${r + 1}: ${written} usage events written during the last measurement (${(written / seconds).toFixed(0)}/s)`);
    }
    const row = (label: string, runs: Figures[]) =>
      `  ${label.padEnd(34)} ${formatSpread(spread(runs.map((o) => o.rps)), 'req/s')}; p50 ${formatSpread(spread(runs.map((o) => o.p50)), 'ms', 1)}; p99 ${formatSpread(spread(runs.map((o) => o.p99)), 'ms', 1)}`;
    const pacedP99 = spread(paced.map((o) => o.p99));
    const ratio = spread(ours.map((o, i) => o.rps / straight[i]!.rps));
    const p99Ratio = spread(ours.map((o, i) => straight[i]!.p99 / Math.max(o.p99, 0.001)));
    const lines = [
      row('cached, flat out', ours),
      row(`cached, at ${PACED_RATE.toLocaleString('en-US')}/s`, paced),
      row('from PostgreSQL, flat out', straight),
      row('floor: bare node:http, flat out', floor),
      row(`floor: bare node:http, at ${PACED_RATE.toLocaleString('en-US')}/s`, floorPaced),
      row('cached while usage arrives, flat out', underWrites),
      `  cached ÷ from PostgreSQL, flat out: throughput ${formatSpread(ratio, '×', 2)}; p99 ${formatSpread(p99Ratio, '× lower', 1)}`,
      `  cached ÷ floor: throughput flat out ${formatSpread(spread(ours.map((o, i) => o.rps / floor[i]!.rps)), '×', 2)}; p99 at ${PACED_RATE.toLocaleString('en-US')}/s ${formatSpread(spread(paced.map((o, i) => o.p99 / Math.max(floorPaced[i]!.p99, 0.001))), '×', 1)}`,
    ];
    console.log(`\nentitlements benchmark — ${customers} customers, ${clients} concurrent clients, ${repeats} × ${seconds} s per figure, ${new Date().toISOString()}`);
    for (const line of lines) console.log(line);
    console.log('');
    console.log(verdict(`entitlement check p99 at ${clients} clients, ${PACED_RATE.toLocaleString('en-US')} checks/s (cached)`, `${pacedP99.median} ms`, '≤ 10 ms', pacedP99.median <= 10));
    return { ok: true };
  } finally {
    await Promise.all([cached.stop().catch(() => undefined), direct.stop().catch(() => undefined), bare.stop().catch(() => undefined)]);
    reaper.close();
    await stack.stop();
  }
}

/** The share of 200 checks of random customers the cache answered (its `Entitlement-Cache` header). */
async function hitRatio(url: string, apiKey: string, ids: readonly string[]): Promise<number> {
  let hits = 0;
  for (let i = 0; i < 200; i++) {
    const response = await fetch(`${url}/v1/customers/${ids[Math.floor(Math.random() * ids.length)]!}/entitlements/api_calls`, { headers: { authorization: `Bearer ${apiKey}` } });
    await response.text();
    if (response.headers.get('entitlement-cache') === 'hit') hits += 1;
  }
  return hits / 200;
}

/** `seconds` of checks for random customers, flat out or at `rate` a second overall (or `amount` checks of the customers in order: a warm-up). */
async function measure(url: string, apiKey: string, ids: readonly string[], connections: number, seconds: number, options: { amount?: number; rate?: number } = {}): Promise<Figures> {
  let next = 0;
  const pick = options.amount === undefined ? () => ids[Math.floor(Math.random() * ids.length)]! : () => ids[next++ % ids.length]!;
  const result = await autocannon({
    url,
    connections,
    ...(options.amount === undefined ? { duration: seconds } : { amount: options.amount }),
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    headers: { authorization: `Bearer ${apiKey}` },
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/v1/customers/${pick()}/entitlements/api_calls` }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}
