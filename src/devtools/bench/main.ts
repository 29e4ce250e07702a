import { runApiBench } from './api-bench.js';
import { runEntitlementsBench } from './entitlements-bench.js';
import { runHistoryBench } from './history-bench.js';
import { runMemoryBench } from './memory-bench.js';
import { runRenewalsBench } from './renewals-bench.js';
import { runStartsBench } from './starts-bench.js';
import { runUsageBench } from './usage-bench.js';

/**
 * `npm run bench -- <name>`: a benchmark that prints its figures (min / median / max of repeated
 * runs, and ratios measured side by side in the same run). Exit code 1 when a correctness check
 * inside it failed; a missed speed target is reported, not an error.
 */
const benches: Record<string, (say: (line: string) => void) => Promise<{ ok: boolean }>> = {
  api: runApiBench,
  entitlements: runEntitlementsBench,
  history: runHistoryBench,
  memory: runMemoryBench,
  renewals: runRenewalsBench,
  starts: runStartsBench,
  usage: runUsageBench,
};

const name = process.argv[2];
const bench = name === undefined ? undefined : benches[name];
if (bench === undefined) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
const say = (line: string): void => console.error(`[bench] ${line}`);
try {
  const { ok } = await bench(say);
  process.exit(ok ? 0 : 1);
} catch (error) {
  console.error(error);
  process.exit(1);
}
