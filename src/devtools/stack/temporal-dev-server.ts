import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { Reaper } from '../process/reaper-client.js';
import { startServerProcess, type ServerProcess } from '../process/server-process.js';
import { waitFor } from '../process/wait-for.js';
import type { ResolvedBinary } from './temporal-binaries.js';
import { BILLING_SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes.js';

export interface DevServerOptions {
  binary: ResolvedBinary;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  reaper: Reaper;
  /** `PRAGMA=VALUE` statements for its SQLite database. */
  sqlitePragmas?: readonly string[];
  /** `KEY=VALUE` dynamic config entries (task queue partitions and the like). */
  dynamicConfig?: readonly string[];
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * The Temporal CLI's dev server: SQLite persistence under the data directory (so a second
 * `npm start` finds its workflows again) and the Web UI. When no binary could be found the SDK's
 * own download runs the same server (needs the internet).
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  await mkdir(options.dataDir, { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  const dbFilename = join(options.dataDir, 'temporal.sqlite');

  if (options.binary.kind === 'sdk-download') {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port: options.port,
        ui: true,
        uiPort: options.uiPort,
        dbFilename,
        namespace: options.namespace,
        searchAttributes: [...BILLING_SEARCH_ATTRIBUTES],
      },
    });
    return { address, uiUrl, stop: () => env.teardown() };
  }

  const server: ServerProcess = startServerProcess({
    name: 'temporal',
    command: options.binary.path,
    args: [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--db-filename', dbFilename,
      '--namespace', options.namespace,
      '--log-level', 'warn',
      '--ui-disable-news-fetch',
      ...(options.sqlitePragmas ?? []).flatMap((pragma) => ['--sqlite-pragma', pragma]),
      ...(options.dynamicConfig ?? []).flatMap((entry) => ['--dynamic-config-value', entry]),
    ],
    logFile: join(options.dataDir, 'temporal.log'),
    reaper: options.reaper,
  });

  try {
    await waitFor(`Temporal dev server on ${address}`, 60_000, server.exited, async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        const ui = await fetch(uiUrl, { signal: AbortSignal.timeout(1_000) });
        return ui.ok;
      } finally {
        await connection.close();
      }
    });
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n--- temporal output ---\n${server.recentOutput()}`, { cause: error });
  }
  return { address, uiUrl, stop: () => server.stop() };
}
