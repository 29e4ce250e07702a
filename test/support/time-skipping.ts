import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import './provided-context.js';

type CreateEnvironment = (options: {
  server: { type: 'existing' };
  supportsTimeSkipping: boolean;
  address: string;
  namespace: string;
}) => Promise<TestWorkflowEnvironment>;

/**
 * A time-skipping TestWorkflowEnvironment on the server the global setup started. The SDK's
 * public `createFromExistingServer` turns time skipping off, and `createTimeSkipping` would start
 * a server per file; its internal `create` does exactly what we need (SDK pinned at 1.24).
 */
export async function connectTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const create = (TestWorkflowEnvironment as unknown as { create: CreateEnvironment }).create.bind(TestWorkflowEnvironment);
  return create({
    server: { type: 'existing' },
    supportsTimeSkipping: true,
    address: inject('temporalTestServerAddress'),
    namespace: 'default',
  });
}
