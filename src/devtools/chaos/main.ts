import { envNumber } from '../bench/bench-support.js';
import { ChaosStack } from './chaos-stack.js';
import { runChaos } from './run-chaos.js';
import { SCENARIOS } from './scenarios.js';

/**
 * `npm run chaos [-- <scenario>…]`: every scenario (or the ones named) against one stack on
 * loopback, each ending with the invariant check; exit 1 if any invariant broke. Bounded: a
 * scenario gives up after five minutes of waiting, and the run stops its servers whatever happens.
 */
const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; scenarios: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const say = (line: string): void => console.error(`[chaos] ${line}`);
const stack = await ChaosStack.start(say);
let ok = false;
try {
  ok = await runChaos(stack, names.length === 0 ? Object.keys(SCENARIOS) : names, { count: envNumber('CHAOS_COUNT', 500), clients: envNumber('CHAOS_CLIENTS', 20), say });
} catch (error) {
  console.error(error);
} finally {
  await stack.stop();
}
process.exit(ok ? 0 : 1);
