import { join } from 'node:path';
import autocannon from 'autocannon';
import { projectRoot } from '../../project-root.js';
import { freePort } from '../process/free-port.js';
import { startReaper } from '../process/reaper-client.js';
import { startServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';
import { apiClient, createBenchPrice, envNumber, runClients, signUp, untilQuiet } from './bench-support.js';
import { startDevStack } from './dev-stack.js';
import { formatSpread, spread, verdict } from './stats.js';

const CLIENT_LEVELS = [1, 10, 100];

interface Target {
  name: string;
  api: string;
  bare: string;
}

interface Figures {
  rps: number;
  p50: number;
  p97_5: number;
  p99: number;
}

/**
 * `npm run bench -- api`: the main reads of the HTTP API on `npm start` at 1, 10 and 100
 * concurrent clients (requests/s and p50/p97.5/p99: autocannon has no p95), each next to a minimal Hono + `pg` server
 * (its own process, same PostgreSQL) doing the same indexed query in the same run — the limit for
 * a read — as a ratio; then the main write, `POST /v1/customers`, at the same levels. BENCH_SECONDS
 * (default 4) per measurement, BENCH_REPEATS (default 3).
 */
export async function runApiBench(say: (line: string) => void): Promise<{ ok: boolean }> {
  const seconds = envNumber('BENCH_SECONDS', 4);
  const repeats = envNumber('BENCH_REPEATS', 3);
  const stack = await startDevStack(say);
  const reaper = startReaper();
  const barePort = await freePort();
  const bare = startServerProcess({
    name: 'bare read server',
    command: process.execPath,
    args: ['--import', 'tsx', join(projectRoot, 'src/devtools/bench/bare-read-server.ts')],
    cwd: projectRoot,
    env: { ...process.env, BARE_DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${stack.env.EMBEDDED_POSTGRES_PORT}/billing`, BARE_PORT: String(barePort) },
    logFile: join(stack.dataDir, 'bare.log'),
    reaper,
  });
  try {
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitFor('the bare read server', 30_000, bare.exited, async () => (await fetch(`${bareUrl}/health`)).ok);
    // 100 subscriptions with a paid invoice each: lists have full pages.
    const api = apiClient(stack);
    const priceId = await createBenchPrice(api);
    const subscriptionIds: string[] = [];
    await runClients(100, 10, async (i) => {
      subscriptionIds.push((await signUp(api, priceId, `api-${i}`)).subscriptionId);
    });
    await untilQuiet(stack.pids);
    const sub = subscriptionIds[0]!;
    const targets: Target[] = [
      { name: 'GET /v1/invoices?limit=20', api: '/v1/invoices?limit=20', bare: `/invoices?tenant=${stack.tenantId}` },
      { name: 'GET /v1/subscriptions/{id}', api: `/v1/subscriptions/${sub}`, bare: `/subscriptions/${sub}?tenant=${stack.tenantId}` },
    ];
    const lines: string[] = [];
    let worstRatio = Infinity;
    let worstP99 = 0;
    for (const target of targets) {
      for (const clients of CLIENT_LEVELS) {
        const ours: Figures[] = [];
        const limit: Figures[] = [];
        for (let r = 0; r < repeats; r++) {
          ours.push(await measure(stack.apiUrl + target.api, clients, seconds, { authorization: `Bearer ${stack.apiKey}` }));
          limit.push(await measure(bareUrl + target.bare, clients, seconds, {}));
        }
        const ratio = spread(ours.map((o, i) => o.rps / limit[i]!.rps));
        const p99 = spread(ours.map((o) => o.p99));
        if (clients === 100) {
          worstRatio = Math.min(worstRatio, ratio.median);
          worstP99 = Math.max(worstP99, p99.median);
        }
        const line = `  ${target.name.padEnd(28)} ${String(clients).padStart(3)} clients: ${formatSpread(spread(ours.map((o) => o.rps)), 'req/s')}; p50/p97.5/p99 median ${spread(ours.map((o) => o.p50)).median} / ${spread(ours.map((o) => o.p97_5)).median} / ${p99.median} ms; bare ${formatSpread(spread(limit.map((o) => o.rps)), 'req/s')}; ratio ${ratio.median.toFixed(2)}`;
        say(line.trim());
        lines.push(line);
      }
    }
    // The main write: a customer create (a row, its outbox event, the customer at the gateway).
    let createRate = 0;
    for (const clients of CLIENT_LEVELS) {
      const runs: Figures[] = [];
      for (let r = 0; r < repeats; r++) {
        await untilQuiet(stack.pids);
        runs.push(await measure(`${stack.apiUrl}/v1/customers`, clients, seconds, { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, { method: 'POST', body: JSON.stringify({ currency: 'usd', email: 'bench@example.com' }) }));
      }
      const rate = spread(runs.map((o) => o.rps));
      if (clients === 100) createRate = rate.median;
      const line = `  ${'POST /v1/customers'.padEnd(28)} ${String(clients).padStart(3)} clients: ${formatSpread(rate, 'req/s')}; p50/p97.5/p99 median ${spread(runs.map((o) => o.p50)).median} / ${spread(runs.map((o) => o.p97_5)).median} / ${spread(runs.map((o) => o.p99)).median} ms`;
      say(line.trim());
      lines.push(line);
    }
    console.log(`\napi benchmark — npm start, ${repeats} × ${seconds} s per figure, ${new Date().toISOString()}`);
    for (const line of lines) console.log(line);
    console.log('');
    console.log(verdict('reads ÷ bare Hono + pg at 100 clients', worstRatio.toFixed(2), '≥ 0.5', worstRatio >= 0.5));
    console.log(verdict('read p99 at 100 clients', `${worstP99} ms`, '≤ 100 ms', worstP99 <= 100));
    console.log(verdict('customer create at 100 clients', `${createRate.toFixed(0)}/s`, '≥ 200/s', createRate >= 200));
    return { ok: true };
  } finally {
    await bare.stop().catch(() => undefined);
    reaper.close();
    await stack.stop();
  }
}

async function measure(url: string, connections: number, seconds: number, headers: Record<string, string>, request: { method?: 'POST'; body?: string } = {}): Promise<Figures> {
  const result = await autocannon({ url, connections, duration: seconds, headers, ...request });
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx`);
  return { rps: result.requests.average, p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99 };
}
