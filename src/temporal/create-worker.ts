import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../../activities/index.js';

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
}

/** The billing worker: bundles workflows/ and registers the activities built from their dependencies. */
export async function createBillingWorker(options: BillingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: createActivities(options.dependencies),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions,
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}
