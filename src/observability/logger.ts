import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import { redactForLog, scrubText } from './redaction.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'pretty';
export type { Logger };

export interface LoggingOptions {
  level?: LogLevel | undefined;
  /** json (one object per line, the default) or pretty (colours, for a person at a terminal). */
  format?: LogFormat | undefined;
  /** Append to this file instead of standard output; `{pid}` is replaced by the process id. */
  file?: string | undefined;
  /** Added to every line, e.g. `{ service: 'api' }`. */
  base?: Record<string, unknown>;
}

/** What every line logged inside a request (or another unit of work) carries: its request id and tenant. */
export interface LogContext {
  requestId?: string;
  tenantId?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `bindings` on every line it logs, however deep (the access log's request id). */
export function withLogContext<T>(bindings: LogContext, work: () => T): T {
  return context.run({ ...context.getStore(), ...bindings }, work);
}

/** Adds to the current unit of work's bindings (the tenant, once the key is known). */
export function addLogContext(bindings: LogContext): void {
  const store = context.getStore();
  if (store !== undefined) Object.assign(store, bindings);
}

function destination(options: LoggingOptions): DestinationStream | undefined {
  if (options.file !== undefined) {
    // Synchronous: a process that exits (a test worker, a crash) has written every line it logged.
    return pino.destination({ dest: options.file.replaceAll('{pid}', String(process.pid)), append: true, mkdir: true, sync: true });
  }
  return undefined;
}

function prettyStream(): DestinationStream {
  return pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

export function createLogger(options: LoggingOptions = {}): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { pid: process.pid, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      // A line logged inside a traced span names its trace, so logs and traces find each other.
      const span = trace.getActiveSpan()?.spanContext();
      return span === undefined || !isSpanContextValid(span) ? { ...context.getStore() } : { ...context.getStore(), traceId: span.traceId, spanId: span.spanId };
    },
    hooks: {
      // Every argument is made safe before pino sees it: secret fields by name, secret text by shape.
      logMethod(args, method) {
        const safe = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : redactForLog(arg)));
        return method.apply(this, safe as Parameters<typeof method>);
      },
    },
    serializers: { err: (error: unknown) => redactForLog(error), error: (error: unknown) => redactForLog(error) },
  };
  const stream = options.format === 'pretty' && options.file === undefined ? prettyStream() : destination(options);
  return stream === undefined ? pino(loggerOptions) : pino(loggerOptions, stream);
}

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

/** LOG_LEVEL, LOG_FORMAT and LOG_FILE as the entry points document them; a bad value keeps the default (the config check reports it). */
export function loggingFromEnvironment(env: NodeJS.ProcessEnv = process.env): LoggingOptions {
  const level = env.LOG_LEVEL !== undefined && LEVELS.includes(env.LOG_LEVEL) ? (env.LOG_LEVEL as LogLevel) : undefined;
  const format = env.LOG_FORMAT === 'pretty' || env.LOG_FORMAT === 'json' ? env.LOG_FORMAT : undefined;
  return { level, format, file: env.LOG_FILE === undefined || env.LOG_FILE === '' ? undefined : env.LOG_FILE };
}

let root: Logger | undefined;

/** Sets the process's logger (an entry point, once its config is read); later `log()` calls use it. */
export function configureLogging(options: LoggingOptions): Logger {
  root = createLogger(options);
  return root;
}

/** The process's logger: configured by its entry point, or from the environment on first use (tests, tools). */
export function log(): Logger {
  root ??= createLogger(loggingFromEnvironment());
  return root;
}
