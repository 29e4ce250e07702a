import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit, workerConfigSchema } from '../src/config/index.js';
import { createPrismaClient } from '../src/db/prisma-client.js';
import { createStripeClient } from '../src/payments/stripe-client.js';
import { StripeGateway } from '../src/payments/stripe-gateway.js';
import { createBillingWorker } from '../src/temporal/create-worker.js';

// `npm run worker`: the production worker process. Scale out by running more of them.
const config = loadConfigOrExit(workerConfigSchema);
const prisma = createPrismaClient(config.DATABASE_URL);
const gateway = new StripeGateway(createStripeClient({ secretKey: config.STRIPE_SECRET_KEY, apiBase: config.STRIPE_API_BASE }));
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createBillingWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  dependencies: { prisma, gateway },
  maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  ...(config.WORKER_MAX_CACHED_WORKFLOWS === undefined ? {} : { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }),
});
console.log(`worker polling task queue '${config.TEMPORAL_TASK_QUEUE}' on ${config.TEMPORAL_ADDRESS} (workflow cache: ${worker.options.maxCachedWorkflows})`);
// Worker.run() installs its own SIGINT/SIGTERM handling: it drains in-flight tasks, then resolves.
await worker.run();
await connection.close();
await prisma.$disconnect();
