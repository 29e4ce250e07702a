import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { tracingEnabled } from '../observability/tracing.js';

/** With tracing on, the client puts the caller's trace in each workflow start, signal, update and query. */
export function temporalClientInterceptors(): ClientInterceptors {
  return tracingEnabled() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : {};
}
