import { makeTelemetryFilterString, Runtime, type RuntimeOptions } from '@temporalio/worker';
import { log, type LogLevel } from './logger.js';
import { unusedLoopbackPort } from './metrics-server.js';
import { TemporalLogAdapter } from './temporal-logger.js';

const CORE_LEVEL = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

export interface InstalledTemporalRuntime {
  /** Where the runtime's own Prometheus exporter answers (loopback only), when metrics are on. */
  metricsUrl?: string;
}

/**
 * Installs the Temporal runtime of a worker process: its logs (workflow, activity, worker, and
 * Core's, forwarded from the native side) go through our logger — JSON, redacted, no ANSI codes —
 * at LOG_LEVEL (Core's own chatter no lower than info); with `metrics`, the SDK's metrics are
 * exported in Prometheus format on an internal loopback port, prefixed `temporal_`, for the
 * process's /metrics to include.
 */
export function temporalRuntimeOptions(options: { level: LogLevel; metricsPort?: number | undefined; shutdownSignals?: NodeJS.Signals[] | undefined }): RuntimeOptions {
  const coreLevel = CORE_LEVEL[options.level === 'debug' ? 'info' : options.level];
  return {
    logger: new TemporalLogAdapter(() => log()),
    ...(options.shutdownSignals === undefined ? {} : { shutdownSignals: options.shutdownSignals }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: coreLevel, other: 'ERROR' }), forward: {} },
      ...(options.metricsPort === undefined
        ? {}
        : { metrics: { metricPrefix: 'temporal_', prometheus: { bindAddress: `127.0.0.1:${options.metricsPort}`, countersTotalSuffix: true, useSecondsForDurations: true } } }),
    },
  };
}

export async function installTemporalRuntime(options: { level: LogLevel; metrics: boolean; shutdownSignals?: NodeJS.Signals[] }): Promise<InstalledTemporalRuntime> {
  const metricsPort = options.metrics ? await unusedLoopbackPort() : undefined;
  Runtime.install(temporalRuntimeOptions({ level: options.level, metricsPort, shutdownSignals: options.shutdownSignals }));
  return metricsPort === undefined ? {} : { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}
