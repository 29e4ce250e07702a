import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalBinary } from '../../src/devtools/stack/temporal-binaries.js';
import { projectRoot } from '../../src/project-root.js';
import { BILLING_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

/**
 * The Temporal dev server (the project's `temporal` CLI), in real time, with the project's search
 * attributes: what visibility queries and Schedules need (the time-skipping server has neither).
 */
export async function startDevServer(): Promise<TestWorkflowEnvironment> {
  const cli = await resolveTemporalBinary('cli', { projectRoot });
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(cli.kind === 'path' ? { executable: { type: 'existing-path' as const, path: cli.path } } : {}),
      searchAttributes: [...BILLING_SEARCH_ATTRIBUTES],
    },
  });
}
