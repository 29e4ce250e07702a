import { Client, Connection } from '@temporalio/client';
import { createBenchPrice, apiClient, waitUntil } from '../bench/bench-support.js';
import type { ChaosStack } from './chaos-stack.js';
import { signUpBurst, type SignupLoad } from './chaos-load.js';
import { checkInvariants, type InvariantReport } from './invariants.js';

/**
 * The chaos scenarios. Each breaks one part of the system in the middle of real work, lets it
 * come back, waits until every subscription it started is paid (or gives up: a subscription
 * never paid is stuck), and ends with the invariant check. `recoverMs` is from the moment the
 * broken part is back (the replacement worker polling, PostgreSQL or Temporal accepting
 * connections again) until the last subscription the fault caught mid-flight is paid.
 */
export interface ChaosOptions {
  /** Signups per burst. */
  count: number;
  clients: number;
  say: (line: string) => void;
}

export interface ScenarioResult {
  name: string;
  subscriptions: number;
  /** The fault's end → every subscription caught by it paid. */
  recoverMs: number;
  /** The fault's end → every subscription of the burst paid. */
  allPaidMs: number;
  retries: number;
  /** Where the slowest subscription caught by the fault spent its time: its workflow history's events, in seconds from the fault's end. */
  slowest: string | null;
  report: InvariantReport;
  ok: boolean;
}

type Fault = (stack: ChaosStack) => Promise<void>;

export const SCENARIOS: Record<string, { description: string; run: (stack: ChaosStack, options: ChaosOptions) => Promise<ScenarioResult> }> = {
  'worker-kill-starts': {
    description: 'the worker is killed (SIGKILL) 40% into a burst of starts and replaced 2 s later',
    run: (stack, options) => startsUnderFault('worker-kill-starts', stack, options, async (s) => {
      await s.killWorker();
      options.say('  worker killed (SIGKILL)');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await s.startWorker();
    }),
  },
  'worker-kill-renewals': {
    description: 'the worker is killed (SIGKILL) 1 s into a renewal burst (every subscription anchored to one instant) and replaced 2 s later',
    run: (stack, options) => renewalsUnderFault(stack, options),
  },
  'postgres-outage': {
    description: 'PostgreSQL is stopped for 10 s 40% into a burst of starts, then started again on the same data',
    run: (stack, options) => startsUnderFault('postgres-outage', stack, options, (s) => s.restartPostgres(10_000)),
  },
  'temporal-restart': {
    description: 'the Temporal dev server is stopped and started again on the same database 40% into a burst of starts',
    run: (stack, options) => startsUnderFault('temporal-restart', stack, options, (s) => s.restartTemporal()),
  },
  'gateway-faults': {
    description: '20% of gateway writes fail during a burst of starts: 7% 429, 7% 500, 6% connections dropped after the charge was committed',
    run: async (stack, options) => {
      await stack.setGatewayFaults({ rateLimitRate: 0.07, serverErrorRate: 0.07, dropAfterCommitRate: 0.06 });
      try {
        return await startsUnderFault('gateway-faults', stack, options, null);
      } finally {
        await stack.setGatewayFaults({});
      }
    },
  },
};

const prices = new WeakMap<ChaosStack, Promise<string>>();
/** The $12.34 monthly plan every scenario on `stack` signs up to (created once per stack). */
function benchPrice(stack: ChaosStack): Promise<string> {
  const price = prices.get(stack) ?? createBenchPrice(apiClient(stack.app));
  prices.set(stack, price);
  return price;
}

async function paidSubscriptions(stack: ChaosStack, ids: readonly string[], periodIndex: number | null): Promise<Set<string>> {
  const { rows } = await stack.app.db.query<{ subscription_id: string }>(
    `SELECT DISTINCT subscription_id FROM invoices WHERE tenant_id = $1 AND subscription_id = ANY($2::text[]) AND status = 'paid' AND kind = 'recurring'${periodIndex === null ? '' : ' AND period_index = $3'}`,
    periodIndex === null ? [stack.app.tenantId, ids] : [stack.app.tenantId, ids, periodIndex],
  );
  return new Set(rows.map((r) => r.subscription_id));
}

/** Waits (tolerating a database that is still coming back) until every id is paid; returns when each one was first seen paid. */
async function untilAllPaid(stack: ChaosStack, ids: readonly string[], periodIndex: number | null, timeoutMs = 300_000): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await waitUntil(timeoutMs, async () => {
    const paid = await paidSubscriptions(stack, ids.filter((id) => !seen.has(id)), periodIndex).catch(() => new Set<string>());
    const now = Date.now();
    for (const id of paid) seen.set(id, now);
    return seen.size === ids.length;
  }, 100).catch(() => undefined);
  return seen;
}

async function finish(name: string, stack: ChaosStack, load: SignupLoad, paidAt: Map<string, number>, caught: readonly string[], faultEndedAt: number): Promise<ScenarioResult> {
  const report = await checkInvariants({ db: stack.app.db, tenantId: stack.app.tenantId, sandboxUrl: stack.app.sandboxUrl, temporalAddress: stack.temporalAddress, subscriptionIds: load.subscriptionIds });
  const stuck = load.subscriptionIds.filter((id) => !paidAt.has(id));
  if (stuck.length > 0) report.unhealthyWorkflows.push(...stuck.map((id) => `${id}: never paid`));
  const last = (ids: readonly string[]) => Math.max(0, ...ids.map((id) => (paidAt.get(id) ?? Number.NaN) - faultEndedAt));
  const slowestId = [...caught].sort((a, b) => (paidAt.get(b) ?? Infinity) - (paidAt.get(a) ?? Infinity))[0];
  return {
    name,
    slowest: slowestId === undefined ? null : await historyTimeline(stack, slowestId, faultEndedAt).catch((error: unknown) => `history unavailable: ${String(error)}`),
    subscriptions: load.subscriptionIds.length,
    recoverMs: last(caught),
    allPaidMs: last(load.subscriptionIds),
    retries: load.retries,
    report,
    ok: report.ok && stuck.length === 0,
  };
}

/** `subscription:<id>`'s history events since the fault, as `+12.3 s ActivityTaskScheduled chargeInvoice`. */
async function historyTimeline(stack: ChaosStack, subscriptionId: string, since: number): Promise<string> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    const history = await client.workflow.getHandle(`subscription:${subscriptionId}`).fetchHistory();
    const events = (history.events ?? []).map((event) => {
      const seconds = Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
      const type = String(event.eventType ?? '').replace('EVENT_TYPE_', '');
      const activity = event.activityTaskScheduledEventAttributes?.activityType?.name ?? event.markerRecordedEventAttributes?.markerName ?? '';
      return `${((seconds - since) / 1000).toFixed(1)} s ${type}${activity === '' ? '' : ` ${activity}`}`;
    });
    return `${subscriptionId}: ${events.join(' | ')}`;
  } finally {
    await connection.close();
  }
}

/** A burst of starts with `fault` injected once 40% of the subscriptions exist (null: the fault is already set for the whole burst). */
async function startsUnderFault(name: string, stack: ChaosStack, options: ChaosOptions, fault: Fault | null): Promise<ScenarioResult> {
  const priceId = await benchPrice(stack);
  const load: SignupLoad = { subscriptionIds: [], createdAt: new Map(), retries: 0 };
  const burst = signUpBurst(stack.app, { count: options.count, clients: options.clients, label: `${name}-${Date.now()}`, priceId, load });
  let caught: string[] = [];
  let faultEndedAt = Date.now();
  if (fault !== null) {
    await waitUntil(300_000, async () => load.subscriptionIds.length >= options.count * 0.4, 20);
    // Caught by the fault: every subscription that exists and is not yet paid when it strikes.
    const paidBefore = await paidSubscriptions(stack, load.subscriptionIds, null);
    caught = load.subscriptionIds.filter((id) => !paidBefore.has(id));
    options.say(`  fault at ${load.subscriptionIds.length} subscriptions (${caught.length} of them not yet paid)`);
    await fault(stack);
    faultEndedAt = Date.now();
    options.say('  the broken part is back');
  }
  await burst;
  const paidAt = await untilAllPaid(stack, load.subscriptionIds, null);
  return finish(name, stack, load, paidAt, fault === null ? load.subscriptionIds : caught, faultEndedAt);
}

/** Subscriptions anchored to one instant (a free stub), the worker killed 1 s after the instant while the renewals run. */
async function renewalsUnderFault(stack: ChaosStack, options: ChaosOptions): Promise<ScenarioResult> {
  const priceId = await benchPrice(stack);
  const anchor = Math.ceil((Date.now() + Math.max(40_000, options.count * 200 + 20_000)) / 1000) * 1000;
  const load = await signUpBurst(stack.app, { count: options.count, clients: options.clients, label: `renewals-${Date.now()}`, priceId, subscription: { billingCycleAnchor: new Date(anchor).toISOString(), prorationBehavior: 'none' } });
  const active = async () => {
    const { rows } = await stack.app.db.query<{ n: string }>("SELECT count(*) AS n FROM subscriptions WHERE tenant_id = $1 AND id = ANY($2::text[]) AND status = 'active'", [stack.app.tenantId, load.subscriptionIds]);
    return Number(rows[0]?.n) === load.subscriptionIds.length;
  };
  await waitUntil(Math.max(1_000, anchor - Date.now()), active, 200).catch(() => {
    throw new Error('the renewal burst\'s subscriptions were not all active before their anchor (raise the lead or lower CHAOS_COUNT)');
  });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, anchor + 1_000 - Date.now())));
  const paidBefore = await paidSubscriptions(stack, load.subscriptionIds, 0);
  const caught = load.subscriptionIds.filter((id) => !paidBefore.has(id));
  options.say(`  renewals due at ${new Date(anchor).toISOString()}; 1 s later ${paidBefore.size} paid, worker killed (SIGKILL)`);
  await stack.killWorker();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await stack.startWorker();
  const faultEndedAt = Date.now();
  options.say('  replacement worker polling');
  const paidAt = await untilAllPaid(stack, load.subscriptionIds, 0);
  return finish('worker-kill-renewals', stack, load, paidAt, caught, faultEndedAt);
}
