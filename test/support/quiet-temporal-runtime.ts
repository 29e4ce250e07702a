import { Runtime } from '@temporalio/worker';
import { loggingFromEnvironment } from '../../src/observability/logger.js';
import { temporalRuntimeOptions } from '../../src/observability/temporal-runtime.js';

// The runtime of a workflow test process, as a worker's: its logs (Core's forwarded too) go
// through our logger at LOG_LEVEL (warn unless `npm test` asks for more, into the log audit).
try {
  Runtime.install(temporalRuntimeOptions({ level: loggingFromEnvironment().level ?? 'warn' }));
} catch {
  // Already installed in this process by an earlier test file.
}
