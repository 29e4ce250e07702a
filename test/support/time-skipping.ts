import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startReaper } from '../../src/devtools/process/reaper-client.js';
import { startTimeSkippingServer } from '../../src/devtools/simulator/infrastructure.js';

/**
 * A time-skipping TestWorkflowEnvironment on a test server of the file's own (the project's
 * binary, search attributes registered, stopped by `env.teardown()` or, if the run dies, by the
 * reaper). Files once shared one server, but its time-skipping lock bookkeeping leaks: a workflow
 * terminated while one of its workflow tasks is in flight (as a file's clean-up does) leaves time
 * skipping locked for good, and every later file's timers then wait in real time. A server per
 * file costs about a second and keeps files independent of each other's order.
 */
export async function connectTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const reaper = startReaper();
  try {
    const temporal = await startTimeSkippingServer(reaper, () => undefined);
    const env = temporal.env;
    const original = env.teardown.bind(env);
    let stopping: Promise<void> | undefined;
    env.teardown = () =>
      (stopping ??= (async () => {
        env.teardown = original; // the server's own stop tears the environment down first
        await temporal.stop();
        reaper.close();
      })());
    return env;
  } catch (error) {
    reaper.close();
    throw error;
  }
}
