import type { PrismaClient } from '../../db/prisma-client.js';
import { recordUsageEvents, type UsageEventInput, type UsageEventResult } from './record-usage-events.js';

interface Pending {
  event: UsageEventInput;
  now: number;
  resolve: (result: UsageEventResult) => void;
  reject: (error: unknown) => void;
}

interface TenantQueue {
  pending: Pending[];
  inFlight: number;
  scheduled: boolean;
}

export interface UsageEventBatcherOptions {
  /** Events per transaction at most (the batch endpoint's limit). */
  maxBatch?: number;
  /** Transactions in flight per tenant (default 1: measured best); while they run, new events queue up for the next one. */
  maxInFlight?: number;
}

/**
 * Group commit for single usage events. Each event is still answered on its own and only after
 * the transaction that stored it has committed (durable before 202), but concurrent events of a
 * tenant share one transaction instead of paying a commit — a disk flush — each. At low load a
 * batch is one event and nothing waits; under load batches grow to what arrived while the
 * previous transactions ran, so throughput follows the batch endpoint's rather than the disk's.
 * A transaction that fails fails every event in it, none of which is stored (the client retries
 * with the same transaction ids; nothing is ever half-applied).
 */
export class UsageEventBatcher {
  private readonly queues = new Map<string, TenantQueue>();
  /** Transactions run and the events they carried, since the batcher was made. */
  readonly stats = { transactions: 0, events: 0 };
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly prisma: PrismaClient,
    options: UsageEventBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 1;
  }

  record(tenantId: string, event: UsageEventInput, now: number): Promise<UsageEventResult> {
    return new Promise((resolve, reject) => {
      const queue = this.queueOf(tenantId);
      queue.pending.push({ event, now, resolve, reject });
      this.schedule(tenantId, queue);
    });
  }

  private queueOf(tenantId: string): TenantQueue {
    let queue = this.queues.get(tenantId);
    if (queue === undefined) {
      queue = { pending: [], inFlight: 0, scheduled: false };
      this.queues.set(tenantId, queue);
    }
    return queue;
  }

  /** On the next turn of the event loop, so the requests parsed in this one join the batch. */
  private schedule(tenantId: string, queue: TenantQueue): void {
    if (queue.scheduled || queue.inFlight >= this.maxInFlight || queue.pending.length === 0) return;
    queue.scheduled = true;
    setImmediate(() => {
      queue.scheduled = false;
      void this.flush(tenantId, queue);
    });
  }

  private async flush(tenantId: string, queue: TenantQueue): Promise<void> {
    if (queue.inFlight >= this.maxInFlight || queue.pending.length === 0) return;
    const batch = queue.pending.splice(0, this.maxBatch);
    queue.inFlight += 1;
    this.stats.transactions += 1;
    this.stats.events += batch.length;
    try {
      const now = Math.max(...batch.map((p) => p.now));
      const results = await recordUsageEvents(this.prisma, { tenantId, events: batch.map((p) => p.event), now });
      batch.forEach((pending, index) => {
        const result = results[index];
        if (result === undefined) pending.reject(new Error('no result for the usage event'));
        else pending.resolve(result);
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      queue.inFlight -= 1;
      if (queue.pending.length > 0) this.schedule(tenantId, queue);
      else if (queue.inFlight === 0) this.queues.delete(tenantId);
    }
  }
}
