import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { runClients } from './bench-support.js';

const ownExtension = extname(fileURLToPath(import.meta.url));
const workflowsPath = fileURLToPath(new URL(`./limit-workflow${ownExtension}`, import.meta.url));
const TASK_QUEUE = 'bench-renewal-limit';

/** A worker (in the bench's own process, SDK defaults) and a client for the limit workflows, on the stack's Temporal server. */
export interface RenewalLimit {
  /** N limit workflows that all renew at `renewAt`, started by `clients` concurrent callers; resolves with each one's completion time. */
  run(count: number, clients: number, renewAt: number): Promise<{ startedMs: number; completedAt: number[] }>;
  close(): Promise<void>;
}

export async function startRenewalLimit(address: string, namespace = 'default'): Promise<RenewalLimit> {
  // The worker's lifecycle chatter at INFO would bury the bench's own lines.
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process.
  }
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace,
    taskQueue: TASK_QUEUE,
    workflowsPath,
    activities: { renewalLimitStep: async () => undefined },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    async run(count, clients, renewAt) {
      const began = performance.now();
      const handles: Array<Awaited<ReturnType<typeof client.workflow.start>>> = [];
      const batch = randomUUID().slice(0, 8);
      await runClients(count, clients, async (i) => {
        handles.push(await client.workflow.start('renewalLimitWorkflow', { taskQueue: TASK_QUEUE, workflowId: `bench-limit-${batch}-${i}`, args: [renewAt] }));
      });
      const startedMs = performance.now() - began;
      const completedAt = await Promise.all(handles.map(async (handle) => (await handle.result(), Date.now())));
      return { startedMs, completedAt };
    },
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await workerConnection.close();
    },
  };
}
