import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { startReaper } from '../../src/devtools/process/reaper-client.js';
import { startServerProcess } from '../../src/devtools/process/server-process.js';
import { waitFor } from '../../src/devtools/process/wait-for.js';
import { projectRoot } from '../../src/project-root.js';
import { resolveTemporalBinary } from '../../src/devtools/stack/temporal-binaries.js';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes.js';
import { freePort } from '../../src/devtools/process/free-port.js';
import './provided-context.js';

/**
 * Starts the time-skipping test server once for the workflow group. The binary comes from the
 * project's resolver; we run it ourselves (it takes its port as the only argument) so the reaper
 * can stop it even if the run crashes. Test files connect with test/support/time-skipping.ts.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = await resolveTemporalBinary('test-server', { projectRoot });
  if (binary.kind === 'sdk-download') {
    const env = await TestWorkflowEnvironment.createTimeSkipping();
    project.provide('temporalTestServerAddress', (env as unknown as { address: string }).address);
    return () => env.teardown();
  }
  const reaper = startReaper();
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const server = startServerProcess({
    name: 'temporal-test-server',
    command: binary.path,
    args: [String(port)],
    logFile: join(tmpdir(), `durable-billing-test-server-${process.pid}.log`),
    reaper,
  });
  await waitFor(`the time-skipping test server on ${address}`, 30_000, server.exited, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.close();
    return true;
  });
  // Subscription workflows upsert the project's search attributes; the server must know them.
  const connection = await Connection.connect({ address });
  await registerSearchAttributes(connection, 'default');
  await connection.close();
  project.provide('temporalTestServerAddress', address);
  return async () => {
    await server.stop();
    reaper.close();
  };
}
