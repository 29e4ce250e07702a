import { readFileSync } from 'node:fs';
import { ChaosStack } from '../chaos/chaos-stack.js';
import { apiClient, createBenchPrice, envNumber, runClients } from './bench-support.js';
import { ownCpuSecondsOf, untilIdle } from './process-cpu.js';
import { formatSpread, spread, verdict } from './stats.js';

/**
 * `npm run bench -- memory`: the resident memory of one worker process (`npm run worker`, beside
 * an `npm start` with RUN_WORKER=false, as the chaos runs use) with 0, then BENCH_MEMORY_LIVE
 * (default 1000,10000) live subscription workflows. Each subscription starts a month ahead, so its
 * workflow has loaded and sleeps: live, cached while the cache has room, replayed when evicted.
 * RSS is sampled BENCH_REPEATS (default 3) times a second apart once the stack is quiet.
 * WORKER_MAX_CACHED_WORKFLOWS is passed to the worker when set (the SDK default otherwise).
 */
export async function runMemoryBench(say: (line: string) => void): Promise<{ ok: boolean }> {
  const levels = (process.env.BENCH_MEMORY_LIVE ?? '1000,10000').split(',').map((v) => Number(v.trim()));
  if (levels.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error('BENCH_MEMORY_LIVE must list positive whole numbers');
  const clients = envNumber('BENCH_CLIENTS', 20);
  const repeats = envNumber('BENCH_REPEATS', 3);
  const cache = process.env.WORKER_MAX_CACHED_WORKFLOWS;
  const stack = await ChaosStack.start(say, cache === undefined ? {} : { WORKER_MAX_CACHED_WORKFLOWS: cache });
  try {
    const api = apiClient(stack.app);
    const priceId = await createBenchPrice(api);
    const cacheSize = /workflow cache: (\d+)/.exec(stack.workerOutput())?.[1] ?? 'unknown';
    const rows: Array<{ live: number; rssMb: ReturnType<typeof spread> }> = [];
    rows.push({ live: 0, rssMb: await sampleRss(stack, repeats) });
    say(`  0 live: ${rows[0]!.rssMb.median.toFixed(0)} MB`);
    let live = 0;
    const startAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    for (const target of levels) {
      const began = performance.now();
      const ids: string[] = [];
      await runClients(target - live, clients, async (i) => {
        const customer = await api.post<{ id: string }>('/v1/customers', { currency: 'usd', email: `memory-${target}-${i}@example.com` });
        ids.push((await api.post<{ id: string }>('/v1/subscriptions', { customerId: customer.id, items: [{ priceId }], startAt })).id);
      });
      // Every workflow has loaded its state and sleeps until its start: the worker goes quiet.
      await untilIdle(() => [stack.workerPid === null ? null : ownCpuSecondsOf(stack.workerPid), ownCpuSecondsOf(stack.app.pids.node)], 1_000, 600_000);
      live = target;
      const rssMb = await sampleRss(stack, repeats);
      rows.push({ live, rssMb });
      say(`  ${live} live (created in ${((performance.now() - began) / 1000).toFixed(0)} s): ${rssMb.median.toFixed(0)} MB`);
    }
    const top = rows.at(-1)!;
    const lines = [
      '',
      `memory benchmark — one worker process (workflow cache ${cacheSize}${cache === undefined ? ', the SDK default' : ''}), ${new Date().toISOString()}`,
      ...rows.map((r) => `  ${String(r.live).padStart(6)} live subscription workflows: RSS ${formatSpread(r.rssMb, 'MB')}${r.live === 0 ? '' : `; ${((r.rssMb.median - rows[0]!.rssMb.median) / Math.min(r.live, Number(cacheSize) || r.live)).toFixed(2)} MB per cached workflow`}`),
      '',
      verdict(`worker RSS at ${top.live} live`, `${top.rssMb.median.toFixed(0)} MB`, '≤ 1024 MB at 10,000', top.rssMb.median <= 1024),
    ];
    for (const line of lines) console.log(line);
    console.log(JSON.stringify({ bench: 'memory', cacheSize, rows }));
    return { ok: true };
  } finally {
    await stack.stop();
  }
}

/** RSS of the worker process in MB, `repeats` samples a second apart. */
async function sampleRss(stack: ChaosStack, repeats: number): Promise<ReturnType<typeof spread>> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const pid = stack.workerPid;
    if (pid === null) throw new Error('the worker is not running');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    samples.push(kb / 1024);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return spread(samples);
}
