import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PrismaInstrumentation } from '@prisma/instrumentation';

/**
 * OpenTelemetry tracing, off unless asked for: with OTEL_EXPORTER_OTLP_ENDPOINT set (or a test's
 * exporter), a provider is registered, Prisma's queries are instrumented, and the API, the
 * Temporal client and worker interceptors and the Stripe HTTP client make spans. Off, nothing is
 * registered and every tracer is OpenTelemetry's no-op: no span is ever created.
 */
export interface Tracing {
  /** The processor spans go through to their exporter (the workflow sink uses it too). */
  processor: SpanProcessor;
  resource: Resource;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

export function tracingEnabled(): boolean {
  return active !== undefined;
}

export function activeTracing(): Tracing | undefined {
  return active;
}

/**
 * Registers the process's tracer provider. `exporter` is for tests (spans go to it at once);
 * otherwise spans are batched to the OTLP/HTTP endpoint of OTEL_EXPORTER_OTLP_ENDPOINT.
 */
export function startTracing(options: { serviceName: string; exporter?: SpanExporter; tracesUrl?: string }): Tracing {
  if (active !== undefined) return active;
  const resource = new Resource({ 'service.name': options.serviceName });
  const exporter = options.exporter ?? new OTLPTraceExporter(options.tracesUrl === undefined ? {} : { url: options.tracesUrl });
  const processor = options.exporter === undefined ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });
  active = {
    processor,
    resource,
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      active = undefined;
    },
  };
  return active;
}

/** From the environment: tracing when OTEL_EXPORTER_OTLP_ENDPOINT names a collector, none otherwise. */
export function startTracingFromEnvironment(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  // As the OTLP specification reads them: the base endpoint gets /v1/traces, the traces endpoint is used as it is.
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const tracesUrl = traces !== undefined && traces !== '' ? traces : base !== undefined && base !== '' ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
  return tracesUrl === undefined ? undefined : startTracing({ serviceName: env.OTEL_SERVICE_NAME ?? serviceName, tracesUrl });
}

export function billingTracer(): Tracer {
  return trace.getTracer('durable-billing');
}

/** Runs `work` in a span of its own (child of the active one); errors mark the span and go on. */
export async function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean> }, work: (span: Span) => Promise<T>): Promise<T> {
  return billingTracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind, SpanStatusCode };
