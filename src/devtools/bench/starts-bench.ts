import { startDevStack, stackCpu, type DevStack } from './dev-stack.js';
import { apiClient, createBenchPrice, envNumber, percentile, runClients, signUp, untilQuiet, waitUntil, successfulChargesByInvoice } from './bench-support.js';
import { formatSpread, spread, verdict, type Spread } from './stats.js';

/**
 * `npm run bench -- starts`: subscription starts end to end on `npm start` (embedded PostgreSQL,
 * Temporal dev server, Stripe sandbox, worker and API in one tree, rate limit off). Each start is
 * what a signup does over HTTP — create the customer, attach a card, create the subscription —
 * and it counts once its first invoice is paid (read from PostgreSQL, not through the API, so the
 * check costs the system nothing it would not pay anyway).
 *
 * BENCH_STARTS (default 300) starts per repetition at BENCH_CLIENTS (default 20) concurrent
 * clients, BENCH_REPEATS (default 3) repetitions: min / median / max of the rate (starts ÷ time
 * from the first request to the last first invoice paid), the latency of one start (its first
 * request to its invoice paid), and the CPU each start costs per process.
 */
export async function runStartsBench(say: (line: string) => void): Promise<{ ok: boolean }> {
  // BENCH_SQLITE_PRAGMAS=a|b|… runs the whole series once per Temporal SQLite setting (comma-separated
  // pragmas, or `none`), in the same run, and prints each rate's ratio to the first.
  // BENCH_TEMPORAL_DYNAMIC_CONFIG=a|b|… does the same per dev-server dynamic config (e.g. task queue
  // partitions: `matching.numTaskqueueReadPartitions=8,matching.numTaskqueueWritePartitions=8`, or `none`).
  const configs = (process.env.BENCH_TEMPORAL_DYNAMIC_CONFIG ?? '').split('|').filter((v) => v !== '');
  if (configs.length > 0) return compareVariants(say, configs.map((c) => ({ label: c, env: { TEMPORAL_DEV_DYNAMIC_CONFIG: c === 'none' ? '' : c } })), 'Temporal dynamic config');
  const variants = (process.env.BENCH_SQLITE_PRAGMAS ?? '').split('|').filter((v) => v !== '');
  if (variants.length === 0) return startsSeries(say, {});
  return compareVariants(say, variants.map((pragmas) => ({ label: pragmas, env: { TEMPORAL_SQLITE_PRAGMAS: pragmas } })), 'Temporal SQLite settings');
}

/** The whole series once per variant of the stack's environment, in one run, with each median's ratio to the first. */
async function compareVariants(say: (line: string) => void, variants: ReadonlyArray<{ label: string; env: Record<string, string> }>, what: string): Promise<{ ok: boolean }> {
  const rates: Array<{ label: string; median: number }> = [];
  let ok = true;
  for (const variant of variants) {
    say(`${what}: ${variant.label}`);
    const result = await startsSeries(say, variant.env);
    rates.push({ label: variant.label, median: result.rate.median });
    ok &&= result.ok;
  }
  console.log(`\n${what}, median starts/s and ratio to the first:`);
  for (const r of rates) console.log(`  ${r.label.padEnd(40)} ${r.median.toFixed(1)} starts/s  × ${(r.median / rates[0]!.median).toFixed(2)}`);
  return { ok };
}

async function startsSeries(say: (line: string) => void, env: Record<string, string>): Promise<{ ok: boolean; rate: Spread }> {
  const starts = envNumber('BENCH_STARTS', 300);
  const clients = envNumber('BENCH_CLIENTS', 20);
  const repeats = envNumber('BENCH_REPEATS', 3);
  const stack = await startDevStack(say, env);
  try {
    const api = apiClient(stack);
    const priceId = await createBenchPrice(api);
    const runs: StartsRun[] = [];
    for (let r = 1; r <= repeats; r++) {
      await untilQuiet(stack.pids);
      const run = await startsRun(stack, api, priceId, starts, clients, `r${r}`);
      say(`  repetition ${r}: ${run.rate.toFixed(1)} starts/s (requests done in ${(run.submittedMs / 1000).toFixed(1)} s, all paid in ${(run.paidMs / 1000).toFixed(1)} s), p50 ${run.p50.toFixed(0)} ms, p95 ${run.p95.toFixed(0)} ms`);
      runs.push(run);
    }
    const rate = spread(runs.map((r) => r.rate));
    const correct = runs.every((r) => r.exact);
    const lines = [
      '',
      `starts benchmark — ${starts} starts × ${repeats}, ${clients} clients, npm start on this machine, ${new Date().toISOString()}`,
      `  starts end to end (customer + card + subscription → first invoice paid): ${formatSpread(rate, 'starts/s', 1)}`,
      `  HTTP requests accepted (3 per start):            ${formatSpread(spread(runs.map((r) => (3 * starts) / (r.submittedMs / 1000))), 'requests/s', 0)}`,
      `  one start, first request → invoice paid:         p50 ${formatSpread(spread(runs.map((r) => r.p50)), 'ms')}; p95 ${formatSpread(spread(runs.map((r) => r.p95)), 'ms')}`,
      `  CPU per start, median ms (npm start process / Temporal server / PostgreSQL): ${cpuLine(runs)}`,
      `  exact: one paid invoice and one successful charge per subscription, amounts 1234: ${correct ? 'yes' : 'NO'}`,
      '',
      verdict('subscription starts', `${rate.median.toFixed(1)} starts/s`, '≥ 50/s', rate.median >= 50),
      verdict('exactly one charge per start', correct ? 'yes' : 'no', 'exact', correct),
    ];
    for (const line of lines) console.log(line);
    console.log(JSON.stringify({ bench: 'starts', starts, clients, repeats, env, rate, cpuMsPerStart: cpuMedians(runs), exact: correct }));
    return { ok: correct, rate };
  } finally {
    await stack.stop();
  }
}

interface StartsRun {
  rate: number;
  submittedMs: number;
  paidMs: number;
  p50: number;
  p95: number;
  cpu: { node: number; postgres: number; temporal: number } | null;
  exact: boolean;
}

async function startsRun(stack: DevStack, api: ReturnType<typeof apiClient>, priceId: string, starts: number, clients: number, label: string): Promise<StartsRun> {
  const cpuBefore = stackCpu(stack.pids);
  const began = performance.now();
  const startedAt = new Map<string, number>();
  const subscriptionIds: string[] = [];
  await runClients(starts, clients, async (i) => {
    const t0 = performance.now();
    const { subscriptionId } = await signUp(api, priceId, `${label}-${i}`);
    startedAt.set(subscriptionId, t0);
    subscriptionIds.push(subscriptionId);
  });
  const submittedMs = performance.now() - began;
  const paidAt = new Map<string, number>();
  await waitUntil(600_000, async () => {
    const { rows } = await stack.db.query<{ subscription_id: string }>(
      "SELECT subscription_id FROM invoices WHERE tenant_id = $1 AND subscription_id = ANY($2::text[]) AND status = 'paid'",
      [stack.tenantId, subscriptionIds.filter((id) => !paidAt.has(id))],
    );
    const now = performance.now();
    for (const row of rows) paidAt.set(row.subscription_id, now);
    return paidAt.size === starts;
  }, 50);
  const paidMs = performance.now() - began;
  const cpuAfter = stackCpu(stack.pids);
  const latencies = subscriptionIds.map((id) => paidAt.get(id)! - startedAt.get(id)!).sort((a, b) => a - b);
  return {
    rate: starts / (paidMs / 1000),
    submittedMs,
    paidMs,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    cpu: cpuBefore && cpuAfter ? { node: ((cpuAfter.node - cpuBefore.node) * 1000) / starts, postgres: ((cpuAfter.postgres - cpuBefore.postgres) * 1000) / starts, temporal: ((cpuAfter.temporal - cpuBefore.temporal) * 1000) / starts } : null,
    exact: await exactlyOneChargeEach(stack, subscriptionIds),
  };
}

/** Each subscription: one invoice, paid, 1234; one successful charge for it in the sandbox's ledger. */
async function exactlyOneChargeEach(stack: DevStack, subscriptionIds: string[]): Promise<boolean> {
  const { rows } = await stack.db.query<{ id: string; subscription_id: string; status: string; amount_paid: string }>(
    'SELECT id, subscription_id, status, amount_paid FROM invoices WHERE tenant_id = $1 AND subscription_id = ANY($2::text[])',
    [stack.tenantId, subscriptionIds],
  );
  if (rows.length !== subscriptionIds.length || rows.some((r) => r.status !== 'paid' || Number(r.amount_paid) !== 1234)) return false;
  const succeeded = await successfulChargesByInvoice(stack.sandboxUrl);
  return rows.every((r) => succeeded.get(r.id) === 1);
}

function cpuMedians(runs: StartsRun[]): { node: number; postgres: number; temporal: number } | null {
  const cpus = runs.flatMap((r) => (r.cpu ? [r.cpu] : []));
  if (cpus.length === 0) return null;
  return { node: spread(cpus.map((c) => c.node)).median, temporal: spread(cpus.map((c) => c.temporal)).median, postgres: spread(cpus.map((c) => c.postgres)).median };
}

function cpuLine(runs: StartsRun[]): string {
  const m = cpuMedians(runs);
  return m === null ? 'n/a (no /proc)' : `${m.node.toFixed(0)} / ${m.temporal.toFixed(0)} / ${m.postgres.toFixed(0)} (total ${(m.node + m.temporal + m.postgres).toFixed(0)})`;
}
