import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosStack } from '../../src/devtools/chaos/chaos-stack.js';
import { SCENARIOS } from '../../src/devtools/chaos/scenarios.js';
import { webhooksUnderWorkerKill } from '../../src/devtools/chaos/webhook-kill.js';

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

describe('chaos: worker killed mid-delivery of webhooks', () => {
  it('every event reaches the receiver, signed, in order per object; repeats only with the same webhook-id and body', async () => {
    const report = await webhooksUnderWorkerKill(stack, { count: 20, clients: 4, say: (line) => lines.push(line) });
    console.log(`webhooks under a worker kill: ${report.events} events, ${report.requests} requests, ${report.received} webhook-ids, ${report.duplicates} repeats\n${lines.join('\n')}`);
    expect(report.events).toBeGreaterThan(20 * 5);
    expect(report).toMatchObject({ missing: [], badSignatures: [], changedBodies: [], outOfOrder: [], undelivered: 0, ok: true });
    expect(report.received).toBe(report.events);
    expect(report.requests).toBe(report.received + report.duplicates);
  }, 400_000);
});
