import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../../activities/index.js';
import { billingWorkerInterceptors, billingWorkerSinks } from './worker-interceptors.js';

function sinksOption(): { sinks?: NonNullable<ReturnType<typeof billingWorkerSinks>> } {
  const sinks = billingWorkerSinks();
  return sinks === undefined ? {} : { sinks };
}

// workflows/index.ts under tsx, workflows/index.js in a build: the same extension as this file.
const ownExtension = extname(fileURLToPath(import.meta.url));
const workflowsPath = fileURLToPath(new URL(`../../workflows/index${ownExtension}`, import.meta.url));

export interface BillingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
  /** The worker's memory budget in MiB, which sizes the workflow cache when `maxCachedWorkflows` is not given. */
  memoryBudgetMb?: number;
}

export const DEFAULT_WORKER_MEMORY_MB = 1024;

/**
 * The SDK sizes its workflow cache from V8's heap limit (about 600 workflows per GiB above
 * 200 MiB), and that limit follows the machine's memory: on a 24 GB box a 4 GB heap, a 2,310
 * workflow cache and a worker of 1.5 GB at 10,000 live subscriptions. The same rule applied to
 * the worker's own budget instead bounds it: 1,024 MiB → 482 cached workflows, measured at
 * 622 MB RSS with 10,000 live (npm run bench -- memory). A subscription evicted from the cache
 * costs one replay of its current run when it next wakes (its run is one period: short).
 */
export function workflowCacheForBudget(memoryBudgetMb: number): number {
  return Math.max(10, Math.floor((Math.max(memoryBudgetMb - 200, 0) * 600) / 1024));
}

/** The billing worker: bundles workflows/ and registers the activities built from their dependencies. */
export async function createBillingWorker(options: BillingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: createActivities(options.dependencies),
    interceptors: billingWorkerInterceptors(),
    ...sinksOption(),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions,
    maxCachedWorkflows: options.maxCachedWorkflows ?? workflowCacheForBudget(options.memoryBudgetMb ?? DEFAULT_WORKER_MEMORY_MB),
  });
}
