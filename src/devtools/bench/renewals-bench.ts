import { Client, Connection } from '@temporalio/client';
import { startDevStack, stackCpu, type DevStack } from './dev-stack.js';
import { apiClient, createBenchPrice, envNumber, percentile, runClients, signUp, untilQuiet, waitUntil, type ApiClient, successfulChargesByInvoice } from './bench-support.js';
import { startRenewalLimit, type RenewalLimit } from './renewal-limit.js';
import { formatSpread, spread, verdict } from './stats.js';

/**
 * `npm run bench -- renewals`: a renewal burst on `npm start`, next to its physical limit on the
 * same Temporal server in the same run.
 *
 * Each repetition signs up BENCH_RENEWALS (default 300) subscriptions at BENCH_CLIENTS (default 20)
 * concurrent clients, all with one billing cycle anchor a little ahead (BENCH_RENEWAL_LEAD_S, by
 * default enough for the signups) and a free stub, so every first full period starts on the same
 * instant. Renewal throughput is N ÷ (the anchor → the last renewal invoice paid, read from
 * PostgreSQL). Then the `limit`: N workflows that each wait for one instant, run one activity and
 * complete (a worker in this process with SDK defaults), measured the same way. BENCH_REPEATS
 * (default 3) repetitions of both, alternating; every figure is min / median / max.
 */
export async function runRenewalsBench(say: (line: string) => void): Promise<{ ok: boolean }> {
  const count = envNumber('BENCH_RENEWALS', 300);
  const clients = envNumber('BENCH_CLIENTS', 20);
  const repeats = envNumber('BENCH_REPEATS', 3);
  const leadMs = envNumber('BENCH_RENEWAL_LEAD_S', Math.max(45, Math.ceil(count / 5) + 20)) * 1000;
  const stack = await startDevStack(say);
  let limit: RenewalLimit | undefined;
  try {
    const api = apiClient(stack);
    const priceId = await createBenchPrice(api);
    limit = await startRenewalLimit(stack.temporalAddress);
    const renewals: RenewalRun[] = [];
    const limits: Array<{ rate: number; p50: number; p95: number }> = [];
    for (let r = 1; r <= repeats; r++) {
      await untilQuiet(stack.pids);
      const run = await renewalRun(stack, api, priceId, { count, clients, leadMs, label: `r${r}` }, say);
      say(`  repetition ${r}: renewals ${run.rate.toFixed(1)}/s (all paid ${(run.paidMs / 1000).toFixed(1)} s after the anchor), p50 ${run.p50.toFixed(0)} ms, p95 ${run.p95.toFixed(0)} ms`);
      renewals.push(run);
      await untilQuiet(stack.pids);
      const limitRun = await limitRunOf(limit, count, clients);
      say(`  repetition ${r}: limit ${limitRun.rate.toFixed(1)}/s`);
      limits.push(limitRun);
    }
    const rate = spread(renewals.map((r) => r.rate));
    const limitRate = spread(limits.map((l) => l.rate));
    const ratios = spread(renewals.map((r, i) => r.rate / limits[i]!.rate));
    const exact = renewals.every((r) => r.exact);
    const cpu = renewals.flatMap((r) => (r.cpu ? [r.cpu] : []));
    const cpuMs = cpu.length === 0 ? null : { node: spread(cpu.map((c) => c.node)).median, temporal: spread(cpu.map((c) => c.temporal)).median, postgres: spread(cpu.map((c) => c.postgres)).median };
    const history = await renewalHistory(stack, renewals.at(-1)?.subscriptionIds ?? []);
    const lines = [
      '',
      `renewals benchmark — ${count} renewals on one anchor × ${repeats}, ${clients} clients for the signups, npm start on this machine, ${new Date().toISOString()}`,
      `  renewals (the anchor → every renewal invoice paid): ${formatSpread(rate, 'renewals/s', 1)}`,
      `  one renewal, the anchor → its invoice paid:         p50 ${formatSpread(spread(renewals.map((r) => r.p50)), 'ms')}; p95 ${formatSpread(spread(renewals.map((r) => r.p95)), 'ms')}`,
      `  limit (timer → one activity → complete, same N):    ${formatSpread(limitRate, 'workflows/s', 1)}`,
      `  renewals ÷ limit, per repetition:                   ${formatSpread(ratios, '', 2)}`,
      `  CPU per renewal, median ms (npm start process / Temporal server / PostgreSQL): ${cpuMs === null ? 'n/a (no /proc)' : `${cpuMs.node.toFixed(0)} / ${cpuMs.temporal.toFixed(0)} / ${cpuMs.postgres.toFixed(0)}`}`,
      `  PostgreSQL per renewal (median): ${dbLine(renewals)}`,
      `  Temporal history of one renewal's run (mean of 10): ${Object.entries(history).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`,
      `  exact: a free stub and one paid renewal of 1234 per subscription, one charge each: ${exact ? 'yes' : 'NO'}`,
      '',
      verdict('renewals', `${rate.median.toFixed(1)}/s`, '≥ 100/s', rate.median >= 100),
      verdict('renewals ÷ limit', ratios.median.toFixed(2), '≥ 0.5', ratios.median >= 0.5),
      verdict('exactly one charge per renewal', exact ? 'yes' : 'no', 'exact', exact),
    ];
    for (const line of lines) console.log(line);
    console.log(JSON.stringify({ bench: 'renewals', count, clients, repeats, rate, limit: limitRate, ratio: ratios, cpuMsPerRenewal: cpuMs, database: renewals.map((r) => r.database), history, exact }));
    return { ok: exact };
  } finally {
    await limit?.close();
    await stack.stop();
  }
}

interface RenewalRun {
  /** PostgreSQL's own counters over the burst, per renewal: committed transactions and rows written. */
  database: { transactions: number; rowsWritten: number } | null;
  subscriptionIds: string[];
  rate: number;
  paidMs: number;
  p50: number;
  p95: number;
  cpu: { node: number; postgres: number; temporal: number } | null;
  exact: boolean;
}

async function renewalRun(stack: DevStack, api: ApiClient, priceId: string, options: { count: number; clients: number; leadMs: number; label: string }, say: (line: string) => void): Promise<RenewalRun> {
  const { count, clients, leadMs, label } = options;
  // Whole seconds: billing instants are.
  const anchor = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
  const subscriptionIds: string[] = [];
  const signupBegan = performance.now();
  await runClients(count, clients, async (i) => {
    const { subscriptionId } = await signUp(api, priceId, `${label}-${i}`, { billingCycleAnchor: new Date(anchor).toISOString(), prorationBehavior: 'none' });
    subscriptionIds.push(subscriptionId);
  });
  // Every stub is paid (free) and active before the anchor, or the burst would not be one.
  await waitUntil(Math.max(1000, anchor - Date.now() - 1000), async () => {
    const { rows } = await stack.db.query<{ n: string }>("SELECT count(*) AS n FROM subscriptions WHERE tenant_id = $1 AND id = ANY($2::text[]) AND status = 'active'", [stack.tenantId, subscriptionIds]);
    return Number(rows[0]?.n) === count;
  }, 200).catch(() => {
    throw new Error(`the ${count} signups were not all active before the anchor (${((performance.now() - signupBegan) / 1000).toFixed(0)} s); raise BENCH_RENEWAL_LEAD_S`);
  });
  say(`  ${count} subscriptions anchored to ${new Date(anchor).toISOString()} (signed up in ${((performance.now() - signupBegan) / 1000).toFixed(1)} s); waiting for the anchor`);
  await untilQuiet(stack.pids, Math.max(0, anchor - Date.now() - 500)).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, anchor - Date.now())));
  const cpuBefore = stackCpu(stack.pids);
  const dbBefore = await databaseCounters(stack);
  const paidAt = new Map<string, number>();
  await waitUntil(600_000, async () => {
    const { rows } = await stack.db.query<{ subscription_id: string }>(
      "SELECT subscription_id FROM invoices WHERE tenant_id = $1 AND subscription_id = ANY($2::text[]) AND period_index = 0 AND status = 'paid'",
      [stack.tenantId, subscriptionIds.filter((id) => !paidAt.has(id))],
    );
    const now = Date.now();
    for (const row of rows) paidAt.set(row.subscription_id, now);
    return paidAt.size === count;
  }, 50);
  const cpuAfter = stackCpu(stack.pids);
  const dbAfter = await databaseCounters(stack);
  const latencies = [...paidAt.values()].map((t) => t - anchor).sort((a, b) => a - b);
  const paidMs = latencies.at(-1) ?? 0;
  return {
    database: { transactions: (dbAfter.transactions - dbBefore.transactions) / count, rowsWritten: (dbAfter.rowsWritten - dbBefore.rowsWritten) / count },
    subscriptionIds,
    rate: count / (paidMs / 1000),
    paidMs,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    cpu:
      cpuBefore && cpuAfter
        ? { node: ((cpuAfter.node - cpuBefore.node) * 1000) / count, postgres: ((cpuAfter.postgres - cpuBefore.postgres) * 1000) / count, temporal: ((cpuAfter.temporal - cpuBefore.temporal) * 1000) / count }
        : null,
    exact: await exactRenewals(stack, subscriptionIds),
  };
}

/** PostgreSQL's cumulative commits and rows inserted, updated or deleted in the stack's database (pg_stat_database). */
async function databaseCounters(stack: DevStack): Promise<{ transactions: number; rowsWritten: number }> {
  // The counters are flushed by each backend at most every second or so: give them a moment.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const { rows } = await stack.db.query<{ xact_commit: string; written: string }>(
    "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted AS written FROM pg_stat_database WHERE datname = 'billing'",
  );
  return { transactions: Number(rows[0]?.xact_commit ?? 0), rowsWritten: Number(rows[0]?.written ?? 0) };
}

/**
 * What Temporal recorded for one renewal: the history of the run that billed period 0 (the run
 * the anchor's continue-as-new started), by event kind, for a sample of the subscriptions.
 */
async function renewalHistory(stack: DevStack, subscriptionIds: readonly string[]): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    const sample = subscriptionIds.slice(0, 10);
    const totals: Record<string, number> = {};
    for (const id of sample) {
      const history = await client.workflow.getHandle(`subscription:${id}`).fetchHistory();
      for (const event of history.events ?? []) {
        const name = EVENT_NAMES[Number(event.eventType)] ?? 'other';
        totals[name] = (totals[name] ?? 0) + 1 / sample.length;
        totals.events = (totals.events ?? 0) + 1 / sample.length;
      }
    }
    return totals;
  } finally {
    await connection.close();
  }
}

// History event types (temporal.api.enums.v1.EventType) a renewal run is made of.
const EVENT_NAMES: Record<number, string> = { 1: 'runStarted', 6: 'workflowTasks', 10: 'activities', 17: 'timers', 25: 'localActivityMarkers', 26: 'signals', 40: 'searchAttributeUpserts', 47: 'updates' };

/** Each subscription: a paid $0 stub invoice (period -1) with no charge, and one paid renewal of 1234 (period 0) charged once. */
async function exactRenewals(stack: DevStack, subscriptionIds: string[]): Promise<boolean> {
  const { rows } = await stack.db.query<{ id: string; subscription_id: string; period_index: number | null; status: string; amount_paid: string; total: string }>(
    'SELECT id, subscription_id, period_index, status, amount_paid, total FROM invoices WHERE tenant_id = $1 AND subscription_id = ANY($2::text[])',
    [stack.tenantId, subscriptionIds],
  );
  const stubs = rows.filter((r) => r.period_index === -1);
  const renewals = rows.filter((r) => r.period_index === 0);
  if (rows.length !== 2 * subscriptionIds.length || stubs.length !== subscriptionIds.length || renewals.length !== subscriptionIds.length) return false;
  if (stubs.some((r) => r.status !== 'paid' || Number(r.total) !== 0)) return false;
  if (renewals.some((r) => r.status !== 'paid' || Number(r.amount_paid) !== 1234)) return false;
  const succeeded = await successfulChargesByInvoice(stack.sandboxUrl);
  return renewals.every((r) => succeeded.get(r.id) === 1) && stubs.every((r) => !succeeded.has(r.id));
}

function dbLine(runs: readonly RenewalRun[]): string {
  const measured = runs.flatMap((r) => (r.database ? [r.database] : []));
  if (measured.length === 0) return 'n/a';
  return `${spread(measured.map((d) => d.transactions)).median.toFixed(1)} committed transactions, ${spread(measured.map((d) => d.rowsWritten)).median.toFixed(0)} rows written`;
}

async function limitRunOf(limit: RenewalLimit, count: number, clients: number): Promise<{ rate: number; p50: number; p95: number }> {
  // Far enough ahead for every start to be in before the instant.
  const renewAt = Math.ceil((Date.now() + Math.max(10_000, count * 20)) / 1000) * 1000;
  const { completedAt } = await limit.run(count, clients, renewAt);
  const latencies = completedAt.map((t) => t - renewAt).sort((a, b) => a - b);
  const lastMs = Math.max(1, latencies.at(-1) ?? 1);
  return { rate: count / (lastMs / 1000), p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) };
}
