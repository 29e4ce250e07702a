import { createRequire } from 'node:module';
import type { Context as ActivityContext } from '@temporalio/activity';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptors, WorkerInterceptors, WorkerOptions } from '@temporalio/worker';
import { activeTracing } from '../observability/tracing.js';

/**
 * The SDK's workflow-side OpenTelemetry interceptors (a span for each run, signal, update, query
 * and scheduled activity, children of the context the client put in the headers), bundled with
 * the workflows only when the worker traces.
 */
export const WORKFLOW_TRACING_INTERCEPTORS = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** The ids an activity's input names, as every one of its log lines should carry them. */
const ID_FIELDS = ['tenantId', 'subscriptionId', 'invoiceId', 'customerId', 'paymentId', 'creditNoteId', 'deliveryId', 'endpointId'] as const;

function idsOf(input: unknown): Record<string, string> {
  if (input === null || typeof input !== 'object') return {};
  const ids: Record<string, string> = {};
  for (const field of ID_FIELDS) {
    const value = (input as Record<string, unknown>)[field];
    if (typeof value === 'string') ids[field] = value;
  }
  return ids;
}

/**
 * Every line an activity logs (the SDK's own "Activity started/completed/failed" included) carries,
 * besides the SDK's workflowId, workflowRunId and activityType, the billing ids of its input, so
 * one invoice's or subscription's work is found in the logs by its id.
 */
function billingIdsOnActivityLogs(_ctx: ActivityContext): ActivityInterceptors {
  let ids: Record<string, string> = {};
  return {
    inbound: {
      execute(input, next) {
        ids = idsOf(input.args[0]);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(attributes, next) {
        return next({ ...attributes, ...ids });
      },
    },
  };
}

/** The interceptors every billing worker runs (the production worker, npm start's, the tests'); with tracing on, OpenTelemetry's too. */
export function billingWorkerInterceptors(): WorkerInterceptors {
  const tracing = activeTracing() !== undefined;
  return {
    activity: [
      billingIdsOnActivityLogs,
      ...(tracing ? [(ctx: ActivityContext): ActivityInterceptors => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })] : []),
    ],
    ...(tracing ? { workflowModules: [WORKFLOW_TRACING_INTERCEPTORS] } : {}),
  };
}

/** The sink workflow spans leave the sandbox through (into the provider's processor), when tracing is on. */
export function billingWorkerSinks(): WorkerOptions['sinks'] {
  const tracing = activeTracing();
  return tracing === undefined ? undefined : { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) };
}
