import type { PrismaClient } from '../../db/prisma-client.js';
import { usageEvents } from '../../observability/metrics.js';
import { BillingError } from '../failures.js';
import { recordUsageEvents, type UsageEventInput } from './record-usage-events.js';
import type { UsageEventBatcher } from './usage-event-batcher.js';
import { toBatchItemView, toUsageEventView, type UsageEventBatchItemView, type UsageEventView } from './usage-event-views.js';

export interface UsageEventRequest extends Omit<UsageEventInput, 'timestamp' | 'properties'> {
  /** Epoch ms; defaults to now. */
  timestamp?: number | undefined;
  properties?: Record<string, unknown> | undefined;
}

const toInput = (event: UsageEventRequest, now: number): UsageEventInput => ({ ...event, timestamp: event.timestamp ?? now, properties: event.properties ?? {} });

/**
 * One usage event: accepted or a duplicate (committed before this returns, in a transaction it
 * may share with other concurrent events — see UsageEventBatcher); anything else is thrown as its refusal.
 */
export async function ingestUsageEvent(batcher: UsageEventBatcher, input: { tenantId: string; event: UsageEventRequest; now: number }): Promise<UsageEventView> {
  const result = await batcher.record(input.tenantId, toInput(input.event, input.now), input.now);
  usageEvents.inc({ result: result.status === 'rejected' ? 'refused' : result.status });
  if (result.status === 'rejected') throw new BillingError(result.code, result.kind, result.message, { transactionId: result.transactionId });
  return toUsageEventView(result);
}

/** Up to 1,000 events in one transaction; each answered on its own (accepted, duplicate, or rejected with its code). */
export async function ingestUsageBatch(
  prisma: PrismaClient,
  input: { tenantId: string; events: readonly UsageEventRequest[]; now: number },
): Promise<{ object: 'usage_event_batch'; accepted: number; duplicates: number; rejected: number; results: UsageEventBatchItemView[] }> {
  const results = await recordUsageEvents(prisma, { tenantId: input.tenantId, events: input.events.map((event) => toInput(event, input.now)), now: input.now });
  const accepted = results.filter((r) => r.status === 'accepted').length;
  const duplicates = results.filter((r) => r.status === 'duplicate').length;
  const rejected = results.length - accepted - duplicates;
  usageEvents.inc({ result: 'accepted' }, accepted);
  usageEvents.inc({ result: 'duplicate' }, duplicates);
  usageEvents.inc({ result: 'refused' }, rejected);
  return {
    object: 'usage_event_batch',
    accepted,
    duplicates,
    rejected,
    results: results.map(toBatchItemView),
  };
}
