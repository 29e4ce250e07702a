import { ApplicationFailure, type LogLevel as TemporalLogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from './logger.js';

const LEVELS: Readonly<Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Failure kinds that are the caller's problem (a bad id, a rule), not the service's. */
const CLIENT_KINDS = new Set(['malformed', 'not_found', 'conflict', 'invalid']);

/**
 * A billing refusal carried by an ApplicationFailure (price_not_found, invoice_not_open…): the
 * SDK reports an activity or update that failed with one as a warning with its stack, but it is
 * an answer to a client, as a 4xx is, so it is logged at debug with its code and no stack.
 */
function refusalOf(error: unknown): { code: string; kind: string; message: string } | undefined {
  if (!(error instanceof ApplicationFailure) || !error.nonRetryable || error.type === null || error.type === undefined) return undefined;
  const kind = (error.details?.[0] as { kind?: unknown } | undefined)?.kind;
  return typeof kind === 'string' && CLIENT_KINDS.has(kind) ? { code: error.type, kind, message: error.message } : undefined;
}

/**
 * The Temporal SDK's logger (the runtime's, so workflow, activity, worker and forwarded Core logs
 * alike) written to our logger: one JSON line each, with the SDK's metadata (workflowId, runId,
 * activityType, attempt…) as fields and no ANSI colours.
 */
export class TemporalLogAdapter implements TemporalLogger {
  constructor(private readonly logger: () => Logger) {}

  log(level: TemporalLogLevel, message: string, meta: LogMetadata = {}): void {
    const logger = this.logger();
    const refusal = refusalOf(meta.error) ?? refusalOf(meta.failure);
    const target = refusal === undefined ? LEVELS[level] : 'debug';
    // The SDK logs every activity's start and end at debug: below the level, build nothing.
    if (!logger.isLevelEnabled(target)) return;
    // Symbol-keyed entries (the SDK's own timestamp) are not fields.
    const fields: Record<string, unknown> = Object.fromEntries(Object.entries(meta));
    if (refusal !== undefined) {
      delete fields.error;
      delete fields.failure;
      fields.refusal = refusal;
    }
    logger[target](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
