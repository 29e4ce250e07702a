import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runScenario } from './run-scenario.js';
import { parseScenario, ScenarioValidationError, type Scenario } from './scenario-schema.js';

/**
 * `npm run simulate -- <scenario.json>`: runs the scenario and prints its timeline as JSON on
 * stdout; progress goes to stderr. Exit codes: 0 done, 1 the run failed, 2 bad usage or an
 * invalid scenario (every problem listed).
 */

const USAGE = 'usage: npm run simulate -- <scenario.json>   (examples in src/devtools/simulator/scenarios/)';

function progress(line: string): void {
  process.stderr.write(`[simulate] ${line}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  const [file, ...rest] = argv;
  if (file === undefined || rest.length > 0 || file === '--help' || file === '-h') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const path = resolve(file);
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  let scenario: Scenario;
  try {
    scenario = parseScenario(input);
  } catch (error) {
    if (error instanceof ScenarioValidationError) {
      process.stderr.write(`${path}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // The worker's own chatter stays out of the way; warnings and errors still show (on stderr).
  // Core's native logs are forwarded to it (not printed on stdout, which carries the timeline).
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`[worker] ${entry.level} ${entry.message}\n`)),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  const started = Date.now();
  const timeline = await runScenario(scenario, { log: progress });
  process.stdout.write(`${JSON.stringify(timeline, null, 2)}\n`);
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)}s: ${timeline.invoices.length} invoices, ${timeline.payments.length} payment attempts, ${timeline.events.length} events`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ScenarioValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
