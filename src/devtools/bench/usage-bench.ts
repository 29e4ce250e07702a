import autocannon from 'autocannon';
import pg from 'pg';
import { createPrice } from '../../billing/catalog/create-price.js';
import { createProduct } from '../../billing/catalog/create-product.js';
import { createMeter } from '../../billing/meters/create-meter.js';
import { createSubscriptionRecord } from '../../billing/subscriptions/create-subscription-record.js';
import { meterQuantity, quantityMeterOf } from '../../billing/usage/meter-quantity.js';
import { recordUsageEvents, type UsageEventInput } from '../../billing/usage/record-usage-events.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { hourStart, priceUsage, type PriceDefinition } from '../../domain/index.js';
import { newId, randomBase62 } from '../../ids.js';
import { createTenantWithKey } from '../../tenancy/tenants.js';
import { startBenchStack, type BenchStack } from './bench-stack.js';
import { envNumber } from './bench-support.js';
import { cpuAccount, waitForQuiet, type CpuPerItem } from './process-cpu.js';
import { formatSpread, spread, verdict, type Spread } from './stats.js';

/**
 * `npm run bench -- usage`: usage ingestion and period computation, measured side by side in one
 * run on the machine it runs on.
 *
 * - Through the API process over HTTP at 50 concurrent clients, 10% of events repeating an id
 *   already sent (a client retry): `POST /v1/usage-events/batch` (1,000 events a request) and
 *   `POST /v1/usage-events` (one a request). Counted: events answered, accepted and duplicate.
 * - In the same run, the raw rate of inserting the same rows straight into PostgreSQL (the same
 *   multi-row INSERT … ON CONFLICT DO NOTHING into usage_events, 10 connections, no roll-ups, no
 *   API): the physical limit the batch endpoint is compared with, as a ratio.
 * - One subscription with 1,000,000 events over a 30-day period (stored through the same
 *   ingestion code), then the time to compute that period's quantity.
 * - Zero double counts: stored events = accepted events = roll-up totals, and the 1M period's
 *   quantity equals the sum of the values sent.
 *
 * Every phase runs BENCH_REPEATS times (default 3): min / median / max.
 */

const CLIENTS = 50;
const BATCH_SIZE = 1000;
const DUPLICATE_SHARE = 0.1;
const CUSTOMERS = 50;
const RAW_CONNECTIONS = 10;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Env {
  seconds: number;
  repeats: number;
  periodEvents: number;
  quantityRuns: number;
}

interface Seeded {
  tenantId: string;
  apiKey: string;
  customerIds: string[];
}

/** A tenant with a `tokens` meter (sum of `tokens`), a metered price on it, and CUSTOMERS customers each subscribed to it. */
async function seedTenant(prisma: PrismaClient, label: string, customers: number, startAt: number): Promise<Seeded & { meterId: string; priceId: string; subscriptionIds: string[] }> {
  const { tenant, apiKey } = await createTenantWithKey(prisma, { name: `bench ${label}`, slug: `bench-${label}-${randomBase62(8).toLowerCase()}` });
  const meter = await createMeter(prisma, { tenantId: tenant.id, key: 'tokens', aggregation: 'sum', valueProperty: 'tokens' });
  const { productId } = await createProduct(prisma, { tenantId: tenant.id, name: 'Tokens' });
  const { priceId } = await createPrice(prisma, {
    tenantId: tenant.id,
    productId,
    currency: 'USD',
    definition: { model: 'per_unit', currency: 'USD', unitAmount: '0.000002' },
    interval: { unit: 'month', count: 1 },
    usageType: 'metered',
    meterId: meter.id,
  });
  // Customers straight into the table: the bench measures usage, not the gateway's customer create.
  const customerIds = Array.from({ length: customers }, () => newId('cust'));
  await prisma.customer.createMany({ data: customerIds.map((id, i) => ({ id, tenantId: tenant.id, currency: 'USD', email: `bench-${i}@example.com` })) });
  const subscriptionIds: string[] = [];
  for (const customerId of customerIds) {
    subscriptionIds.push((await createSubscriptionRecord(prisma, { tenantId: tenant.id, customerId, items: [{ priceId, quantity: 1 }], startAt })).subscriptionId);
  }
  return { tenantId: tenant.id, apiKey: apiKey.secret, customerIds, meterId: meter.id, priceId, subscriptionIds };
}

interface Totals {
  answered: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  non2xx: number;
  /** Of the answered requests' events: how many were first sendings and how many repeats. */
  sentNew: number;
  sentRepeats: number;
}

const zeroTotals = (): Totals => ({ answered: 0, accepted: 0, duplicates: 0, rejected: 0, non2xx: 0, sentNew: 0, sentRepeats: 0 });

interface ClientState {
  client: number;
  seq: number;
  /** Events emitted, repeats included: every tenth is a repeat. */
  emitted: number;
  recent: string[];
  /** The request in flight on this connection (one at a time): its new events and repeats. */
  pending: { fresh: number; repeats: number };
}

/** The next event of a client: every tenth resends one already sent, byte for byte (a client retry). */
function nextEvent(run: string, state: ClientState, customerIds: readonly string[], now: number): { json: string; repeat: boolean } {
  state.emitted += 1;
  if (state.recent.length > 0 && state.emitted % Math.round(1 / DUPLICATE_SHARE) === 0) return { json: state.recent[state.emitted % state.recent.length]!, repeat: true };
  const json = eventJson(run, state, customerIds, now);
  state.recent.push(json);
  if (state.recent.length > 200) state.recent.shift();
  return { json, repeat: false };
}

/** One event, serialised once: a duplicate resends exactly these bytes. */
function eventJson(run: string, state: ClientState, customerIds: readonly string[], now: number): string {
  state.seq += 1;
  const customerId = customerIds[(state.client * 7 + state.seq) % customerIds.length];
  const timestamp = new Date(now - ((state.seq * 7919) % (3 * HOUR))).toISOString();
  return `{"transactionId":"${run}-${state.client}-${state.seq}","eventName":"tokens","customerId":"${customerId}","timestamp":"${timestamp}","properties":{"tokens":${(state.seq % 100) + 1}}}`;
}

/** Events per request at 50 clients through the API; every tenth event repeats one already sent. */
const BATCH_COUNTS = /^\{"object":"usage_event_batch","accepted":(\d+),"duplicates":(\d+),"rejected":(\d+),/;

/**
 * The counts at the head of a batch answer. Read from its first bytes rather than by parsing the
 * whole ~200 kB answer: the load generator shares the machine with the server, and every
 * microsecond it spends is one the server does not get. Falls back to a parse if the shape moves.
 */
function batchCounts(body: string): { accepted: number; duplicates: number; rejected: number } {
  const match = BATCH_COUNTS.exec(body);
  if (match === null) return JSON.parse(body) as { accepted: number; duplicates: number; rejected: number };
  return { accepted: Number(match[1]), duplicates: Number(match[2]), rejected: Number(match[3]) };
}

interface PhaseResult {
  rate: number;
  cpu: CpuPerItem | null;
}

async function apiPhase(stack: BenchStack, seeded: Seeded, mode: 'batch' | 'single', run: string, seconds: number, totals: Totals): Promise<PhaseResult> {
  await waitForQuiet(stack);
  const now = Date.now();
  const cpu = cpuAccount(stack);
  const perRequest = mode === 'batch' ? BATCH_SIZE : 1;
  let nextClient = 0;
  // Steady-state throughput: events answered between the first answer and the last, so neither the
  // pipeline filling at the start nor the requests cut off at the end count as idle time.
  let firstAt: number | undefined;
  let lastAt = 0;
  const result = await autocannon({
    url: stack.apiUrl,
    connections: CLIENTS,
    duration: seconds,
    headers: { authorization: `Bearer ${seeded.apiKey}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        path: mode === 'batch' ? '/v1/usage-events/batch' : '/v1/usage-events',
        setupRequest: (request, context) => {
          const state = context as unknown as Partial<ClientState>;
          if (state.client === undefined) Object.assign(state, { client: nextClient++, seq: 0, emitted: 0, recent: [], pending: { fresh: 0, repeats: 0 } });
          const s = state as ClientState;
          const events: string[] = [];
          s.pending = { fresh: 0, repeats: 0 };
          for (let i = 0; i < perRequest; i++) {
            const event = nextEvent(run, s, seeded.customerIds, now);
            events.push(event.json);
            if (event.repeat) s.pending.repeats += 1;
            else s.pending.fresh += 1;
          }
          return { ...request, body: mode === 'batch' ? `{"events":[${events.join(',')}]}` : events[0]! };
        },
        onResponse: (status, body, context) => {
          const at = performance.now();
          firstAt ??= at;
          lastAt = at;
          if (status !== 202) {
            totals.non2xx += 1;
            return;
          }
          const { pending } = context as unknown as ClientState;
          totals.sentNew += pending.fresh;
          totals.sentRepeats += pending.repeats;
          if (mode === 'batch') {
            const answer = batchCounts(body);
            totals.accepted += answer.accepted;
            totals.duplicates += answer.duplicates;
            totals.rejected += answer.rejected;
            totals.answered += answer.accepted + answer.duplicates + answer.rejected;
          } else {
            const answer = JSON.parse(body) as { duplicate: boolean };
            if (answer.duplicate) totals.duplicates += 1;
            else totals.accepted += 1;
            totals.answered += 1;
          }
        },
      },
    ],
  });
  if (result.errors > 0 || result.timeouts > 0) throw new Error(`${mode}: ${result.errors} connection errors, ${result.timeouts} timeouts`);
  const steadySeconds = firstAt === undefined ? 0 : (lastAt - firstAt) / 1000;
  if (result['2xx'] < 2 || steadySeconds <= 0) return { rate: Number.NaN, cpu: null }; // a warm-up too short to answer twice
  return { rate: ((result['2xx'] - 1) * perRequest) / steadySeconds, cpu: cpu.perItem(result['2xx'] * perRequest) };
}

/** The same rows straight into usage_events (10 connections, 1,000 rows a statement, 10% ids repeated). */
async function rawPhase(stack: BenchStack, tenantId: string, customerIds: readonly string[], run: string, seconds: number): Promise<PhaseResult> {
  await waitForQuiet(stack);
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: RAW_CONNECTIONS });
  const cpu = cpuAccount(stack);
  const now = Date.now();
  const deadline = performance.now() + seconds * 1000;
  let rows = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: RAW_CONNECTIONS }, async (_, client) => {
      const state: ClientState = { client, seq: 0, emitted: 0, recent: [], pending: { fresh: 0, repeats: 0 } };
      while (performance.now() < deadline) {
        const events = Array.from({ length: BATCH_SIZE }, () => nextEvent(run, state, customerIds, now).json);
        const parsed = events.map((json) => JSON.parse(json) as { transactionId: string; customerId: string; timestamp: string; properties: object });
        await pool.query(
          `INSERT INTO usage_events (tenant_id, transaction_id, event_name, customer_id, subscription_id, timestamp, properties, content_hash)
           SELECT $1, e.t, 'tokens', e.c, NULL, e.ts, e.p, e.h
           FROM unnest($2::text[], $3::text[], $4::timestamp(3)[], $5::jsonb[], $6::text[]) AS e(t, c, ts, p, h)
           ON CONFLICT (tenant_id, transaction_id) DO NOTHING`,
          [tenantId, parsed.map((e) => e.transactionId), parsed.map((e) => e.customerId), parsed.map((e) => e.timestamp), parsed.map((e) => JSON.stringify(e.properties)), parsed.map((e) => e.transactionId)],
        );
        rows += BATCH_SIZE;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = cpu.perItem(rows);
  await pool.end();
  return { rate: rows / elapsed, cpu: used };
}

/** 1M events for one subscription over 30 days, through the ingestion code, 4 batches in flight. */
async function seedPeriod(prisma: PrismaClient, input: { tenantId: string; customerId: string; from: number; to: number; events: number }, say: (line: string) => void): Promise<bigint> {
  let sent = 0;
  let total = 0n;
  const started = performance.now();
  const step = (input.to - input.from) / input.events;
  const next = (): UsageEventInput[] | null => {
    if (sent >= input.events) return null;
    const events: UsageEventInput[] = [];
    for (let i = 0; i < BATCH_SIZE && sent < input.events; i++, sent++) {
      const tokens = (sent % 97) + 1;
      total += BigInt(tokens);
      events.push({ transactionId: `period-${sent}`, eventName: 'tokens', customerId: input.customerId, timestamp: Math.floor(input.from + sent * step), properties: { tokens } });
    }
    return events;
  };
  let lastReport = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let events = next(); events !== null; events = next()) {
        await recordUsageEvents(prisma, { tenantId: input.tenantId, events, now: Date.now() });
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          say(`  ${sent.toLocaleString('en-US')} of ${input.events.toLocaleString('en-US')} events stored`);
        }
      }
    }),
  );
  say(`  ${input.events.toLocaleString('en-US')} events stored in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return total;
}

async function count(prisma: PrismaClient, sql: string, tenantId: string): Promise<number> {
  const [row] = await prisma.$queryRawUnsafe<Array<{ n: bigint | number | string | null }>>(sql, tenantId);
  return Number(row?.n ?? 0);
}

function cpuLine(results: readonly PhaseResult[]): string {
  const known = results.flatMap((r) => (r.cpu === null ? [] : [r.cpu]));
  if (known.length === 0) return 'n/a (no /proc)';
  const median = (pick: (c: CpuPerItem) => number) => Math.round(spread(known.map(pick)).median);
  return `${median((c) => c.api)} / ${median((c) => c.postgres)} / ${median((c) => c.bench)}`;
}

export async function runUsageBench(say: (line: string) => void): Promise<{ ok: boolean }> {
  const env: Env = {
    seconds: envNumber('BENCH_SECONDS', 8),
    repeats: envNumber('BENCH_REPEATS', 3),
    periodEvents: envNumber('BENCH_PERIOD_EVENTS', 1_000_000),
    quantityRuns: envNumber('BENCH_QUANTITY_RUNS', 20),
  };
  const stack = await startBenchStack(say);
  try {
    const { prisma } = stack;
    const now = Date.now();
    const api = await seedTenant(prisma, 'api', CUSTOMERS, now - 2 * DAY);
    const raw = await seedTenant(prisma, 'raw', CUSTOMERS, now - 2 * DAY);
    const batchTotals = zeroTotals();
    const singleTotals = zeroTotals();
    const phases = { batch: [] as PhaseResult[], single: [] as PhaseResult[], raw: [] as PhaseResult[] };
    // Warm-up: JIT, connection pools, the first pages of every index.
    await apiPhase(stack, api, 'batch', 'warm-batch', 4, batchTotals);
    await apiPhase(stack, api, 'single', 'warm-single', 2, singleTotals);
    // Side by side: each repetition runs the three in turn, so drift hits all of them alike.
    for (let rep = 1; rep <= env.repeats; rep++) {
      phases.batch.push(await apiPhase(stack, api, 'batch', `batch-${rep}`, env.seconds, batchTotals));
      phases.single.push(await apiPhase(stack, api, 'single', `single-${rep}`, env.seconds, singleTotals));
      phases.raw.push(await rawPhase(stack, raw.tenantId, raw.customerIds, `raw-${rep}`, env.seconds));
      say(`  repetition ${rep}: batch ${Math.round(phases.batch.at(-1)!.rate)} events/s, single ${Math.round(phases.single.at(-1)!.rate)} events/s, raw insert ${Math.round(phases.raw.at(-1)!.rate)} rows/s`);
    }
    if (Object.values(phases).some((results) => results.some((p) => Number.isNaN(p.rate)))) throw new Error('A phase answered fewer than two requests: make BENCH_SECONDS longer');
    const batch = phases.batch.map((p) => p.rate);
    const single = phases.single.map((p) => p.rate);
    const rawRates = phases.raw.map((p) => p.rate);

    // Exactly once: every first sending accepted and every repeat answered as a duplicate (of the
    // requests answered; a request cut off when a phase stopped may still have been stored), and
    // every stored event counted once in the roll-ups, with its value.
    const stored = await count(prisma, 'SELECT count(*) AS n FROM usage_events WHERE tenant_id = $1', api.tenantId);
    const rolledUp = await count(prisma, 'SELECT sum(event_count) AS n FROM usage_rollups WHERE tenant_id = $1', api.tenantId);
    const storedTokens = await count(prisma, "SELECT sum((properties->>'tokens')::numeric) AS n FROM usage_events WHERE tenant_id = $1", api.tenantId);
    const rolledUpTokens = await count(prisma, 'SELECT sum(value_sum) AS n FROM usage_rollups WHERE tenant_id = $1', api.tenantId);
    const all = [batchTotals, singleTotals];
    const sum = (pick: (t: Totals) => number) => all.reduce((total, t) => total + pick(t), 0);
    const accepted = sum((t) => t.accepted);
    const duplicates = sum((t) => t.duplicates);
    const answered = sum((t) => t.answered);
    const exact =
      accepted === sum((t) => t.sentNew) &&
      duplicates === sum((t) => t.sentRepeats) &&
      sum((t) => t.rejected + t.non2xx) === 0 &&
      stored >= accepted &&
      rolledUp === stored &&
      rolledUpTokens === storedTokens;

    say(`storing ${env.periodEvents.toLocaleString('en-US')} events for one subscription's 30-day period…`);
    const periodEnd = hourStart(now);
    const periodStart = periodEnd - 30 * DAY;
    const period = await seedTenant(prisma, 'period', 1, periodStart - DAY);
    const customerId = period.customerIds[0]!;
    const expectedTokens = await seedPeriod(prisma, { tenantId: period.tenantId, customerId, from: periodStart, to: periodEnd - 1000, events: env.periodEvents }, say);
    const meterRow = await prisma.meter.findUniqueOrThrow({ where: { id: period.meterId } });
    const meter = quantityMeterOf(meterRow);
    const priceRow = await prisma.price.findUniqueOrThrow({ where: { id: period.priceId } });
    const timings = async (from: number, to: number): Promise<{ spread: Spread; quantity: string; amount: number }> => {
      const times: number[] = [];
      let quantity = '';
      let amount = 0;
      for (let i = 0; i < env.quantityRuns; i++) {
        const started = performance.now();
        quantity = await meterQuantity(prisma, { tenantId: period.tenantId, customerId, meter, from, to });
        amount = priceUsage(priceRow.definition as unknown as PriceDefinition, quantity).amount.amount;
        times.push(performance.now() - started);
      }
      return { spread: spread(times), quantity, amount };
    };
    await timings(periodStart, periodEnd); // warm
    const aligned = await timings(periodStart, periodEnd);
    // A period that starts and ends mid-hour reads two partial hours of raw events as well.
    const unaligned = await timings(periodStart + 30 * 60_000, periodEnd - 30 * 60_000 - 1000);
    const quantityExact = aligned.quantity === expectedTokens.toString();

    const batchS = spread(batch);
    const singleS = spread(single);
    const rawS = spread(rawRates);
    const ratios = spread(batch.map((rate, i) => rate / rawRates[i]!));
    const lines = [
      '',
      `usage benchmark — ${CLIENTS} clients, ${DUPLICATE_SHARE * 100}% duplicates, ${env.repeats} × ${env.seconds} s per phase, ${new Date().toISOString()}`,
      `  batch  (POST /v1/usage-events/batch, ${BATCH_SIZE}/request): ${formatSpread(batchS, 'events/s')}`,
      `  single (POST /v1/usage-events):                ${formatSpread(singleS, 'events/s')}`,
      `  raw INSERT into usage_events (${RAW_CONNECTIONS} connections):   ${formatSpread(rawS, 'rows/s')}`,
      `  batch ÷ raw, per repetition:                   ${formatSpread(ratios, '', 2)}`,
      '  CPU per event, median µs (API process / PostgreSQL / load generator):',
      `    batch ${cpuLine(phases.batch)}; single ${cpuLine(phases.single)}; raw insert ${cpuLine(phases.raw)}`,
      `  period quantity, ${env.periodEvents.toLocaleString('en-US')} events, hour-aligned: ${formatSpread(aligned.spread, 'ms', 1)} (quantity ${aligned.quantity}, ${aligned.amount} minor units)`,
      `  period quantity, mid-hour edges:              ${formatSpread(unaligned.spread, 'ms', 1)}`,
      `  events answered ${answered.toLocaleString('en-US')}: accepted ${accepted.toLocaleString('en-US')} of ${sum((t) => t.sentNew).toLocaleString('en-US')} first sendings, duplicates ${duplicates.toLocaleString('en-US')} of ${sum((t) => t.sentRepeats).toLocaleString('en-US')} repeats (${((100 * duplicates) / Math.max(1, answered)).toFixed(1)}%)`,
      `  stored ${stored.toLocaleString('en-US')} events (incl. requests cut off at phase ends), in roll-ups ${rolledUp.toLocaleString('en-US')}; tokens stored ${storedTokens.toLocaleString('en-US')}, rolled up ${rolledUpTokens.toLocaleString('en-US')}`,
      '',
      verdict('batch ingestion', `${Math.round(batchS.median).toLocaleString('en-US')} events/s`, '≥ 20,000', batchS.median >= 20_000),
      verdict('single ingestion', `${Math.round(singleS.median).toLocaleString('en-US')} events/s`, '≥ 2,000', singleS.median >= 2_000),
      verdict('batch vs raw insert', ratios.median.toFixed(2), '≥ 0.30', ratios.median >= 0.3),
      verdict('1M-event period quantity', `${aligned.spread.median.toFixed(1)} ms`, '≤ 50 ms', aligned.spread.median <= 50),
      verdict('zero double counts', exact ? 'every repeat a duplicate, roll-ups = events' : 'MISMATCH (see the counts above)', 'exact', exact),
      verdict('period quantity exact', quantityExact ? `${aligned.quantity} = Σ sent` : `${aligned.quantity} ≠ ${expectedTokens}`, 'exact', quantityExact),
    ];
    for (const line of lines) console.log(line);
    return { ok: exact && quantityExact };
  } finally {
    await stack.stop();
  }
}
