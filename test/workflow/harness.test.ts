import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTimeSkipping } from '../support/time-skipping.js';
import { sleepForDays, waitForSignalOrDeadline, wakeUp } from './fixtures/harness-workflows.js';

// The workflow group's harness itself: a file's own time-skipping server, ESM workflow bundling,
// and months of workflow time passing in moments.
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let taskQueue = 'harness';

beforeAll(async () => {
  env = await connectTimeSkipping();
  bundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./fixtures/harness-workflows.ts', import.meta.url)),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
});
afterAll(async () => {
  await env?.teardown();
});

async function withWorker<T>(run: () => Promise<T>): Promise<T> {
  // A fresh queue per worker: a worker's native registration outlives runUntil by a moment.
  taskQueue = `harness-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
  return worker.runUntil(run);
}

describe('time-skipping harness', () => {
  it('runs 90 days of workflow time without waiting for it', async () => {
    const wallStart = Date.now();
    const result = await withWorker(() =>
      env.client.workflow.execute(sleepForDays, { taskQueue, workflowId: `sleep-${wallStart}`, args: [90] }),
    );
    // 90 days * 86,400,000 ms/day = 7,776,000,000 ms of workflow time.
    expect(result.finishedAt - result.startedAt).toBeGreaterThanOrEqual(7_776_000_000);
    expect(Date.now() - wallStart).toBeLessThan(60_000);
  });

  it('delivers a signal before a deadline, and lets the deadline pass without one', async () => {
    const results = await withWorker(async () => {
      const signalled = await env.client.workflow.start(waitForSignalOrDeadline, { taskQueue, workflowId: `sig-${Date.now()}`, args: [30] });
      await signalled.signal(wakeUp);
      const timedOut = await env.client.workflow.start(waitForSignalOrDeadline, { taskQueue, workflowId: `dl-${Date.now()}`, args: [30] });
      return [await signalled.result(), await timedOut.result()];
    });
    expect(results).toEqual(['signalled', 'deadline']);
  });

  it('env.sleep moves the server clock forward by the requested amount', async () => {
    const before = await env.currentTimeMs();
    await env.sleep('10 days');
    const after = await env.currentTimeMs();
    // 10 days = 864,000,000 ms; the clock may move a little further while the server runs.
    expect(after - before).toBeGreaterThanOrEqual(864_000_000);
  });
});
