import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosStack } from '../../src/devtools/chaos/chaos-stack.js';
import { SCENARIOS } from '../../src/devtools/chaos/scenarios.js';

/**
 * The short version of `npm run chaos`: one scenario, a worker killed with SIGKILL in the middle
 * of a burst of signups, on the real stack (PostgreSQL, the Temporal dev server, npm start with
 * the sandbox, a separate worker process). Nothing may be lost or done twice.
 */
let stack: ChaosStack;
const lines: string[] = [];
beforeAll(async () => {
  stack = await ChaosStack.start((line) => lines.push(line));
}, 180_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('chaos: worker killed mid-burst', () => {
  it('every subscription is paid once, statuses agree, no workflow failed or stuck', async () => {
    const result = await SCENARIOS['worker-kill-starts']!.run(stack, { count: 40, clients: 8, say: (line) => lines.push(line) });
    console.log(`worker-kill-starts (40 signups): recovered ${(result.recoverMs / 1000).toFixed(1)} s after the replacement worker polled; all paid after ${(result.allPaidMs / 1000).toFixed(1)} s\n${lines.join('\n')}`);
    expect(result.subscriptions).toBe(40);
    // One first invoice per subscription, each paid, each with exactly one successful charge at the gateway.
    expect(result.report.paidInvoices).toBe(40);
    expect(result.report).toMatchObject({ paidWithoutOneCharge: [], chargedButUnpaid: [], orphanCharges: [], duplicatePeriods: [], statusMismatches: [], unhealthyWorkflows: [] });
    expect(result.ok).toBe(true);
  });
});
