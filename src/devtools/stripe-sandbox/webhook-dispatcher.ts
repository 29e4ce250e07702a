import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type Random, shuffle } from './seeded-random.js';
import type { StripeEventShape } from './stripe-objects.js';
import type { SandboxWebhookConfig } from './types.js';
import { stripeSignatureHeader } from './webhook-signature.js';

export const webhookConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(1),
    duplicateRate: z.number().min(0).max(1).optional(),
    reorder: z.boolean().optional(),
    maxAttempts: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

const DEFAULT_MAX_ATTEMPTS = 5;
// Stripe retries over days; the sandbox compresses that to a short exponential backoff.
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2_000;
const ATTEMPT_TIMEOUT_MS = 10_000;
// Bounded memory: beyond this many undelivered events new ones are dropped (and logged).
const MAX_QUEUED_EVENTS = 10_000;

interface Delivery {
  event: StripeEventShape;
  payload: string;
  config: SandboxWebhookConfig;
}

/**
 * Sends events to the configured endpoint the way Stripe does: asynchronously (never inside the
 * API request), signed, retried on network errors and non-2xx answers, and with no ordering
 * promise (optionally shuffled and duplicated, from a seeded RNG).
 */
export class WebhookDispatcher {
  private config: SandboxWebhookConfig | null = null;
  private queue: StripeEventShape[] = [];
  private readonly active = new Set<Promise<void>>();
  private drainScheduled = false;
  /** Drains run one after another, so batches never interleave. */
  private lastDrain: Promise<void> = Promise.resolve();
  private stop = new AbortController();
  /** Events queued or being retried: what a restart must still deliver. */
  private readonly pending = new Set<string>();

  constructor(
    private random: Random,
    private readonly log: (line: string) => void,
    config: SandboxWebhookConfig | null,
    /** Told when an event starts or stops being owed to the endpoint (delivered or given up). */
    private readonly onPendingChange: (eventId: string, pending: boolean) => void = () => undefined,
  ) {
    this.configure(config);
  }

  /** Ids of the events still owed to the endpoint. */
  pendingEventIds(): string[] {
    return [...this.pending];
  }

  /** Queues again events a previous run still owed (from the state file), as Stripe keeps retrying across outages. */
  resume(events: readonly StripeEventShape[]): void {
    for (const event of events) this.enqueue(event);
  }

  configure(config: SandboxWebhookConfig | null): void {
    this.config = config === null ? null : webhookConfigSchema.parse(config);
  }

  get configured(): boolean {
    return this.config !== null;
  }

  /** Queues an event created now; Stripe sends an endpoint only events created while it exists. */
  enqueue(event: StripeEventShape): void {
    if (this.config === null) return;
    if (this.queue.length >= MAX_QUEUED_EVENTS) {
      this.log(`webhook queue full: ${event.type} ${event.id} not delivered`);
      return;
    }
    this.queue.push(event);
    if (!this.pending.has(event.id)) {
      this.pending.add(event.id);
      this.onPendingChange(event.id, true);
    }
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    this.lastDrain = this.lastDrain
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.drain())
      .catch((error: unknown) => this.log(`webhook delivery failed: ${error instanceof Error ? error.message : String(error)}`));
    this.track(this.lastDrain);
  }

  /** Resolves when every queued delivery, retries included, has finished. */
  async flush(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  /** Drops queued events and cuts pending retries short. */
  reset(random: Random, config: SandboxWebhookConfig | null): void {
    this.stop.abort();
    this.stop = new AbortController();
    this.queue = [];
    this.pending.clear();
    this.random = random;
    this.configure(config);
  }

  /** The event is no longer owed: delivered, or given up after the last attempt. */
  private settle(eventId: string): void {
    if (this.pending.delete(eventId)) this.onPendingChange(eventId, false);
  }

  private track(task: Promise<void>): void {
    this.active.add(task);
    void task.finally(() => this.active.delete(task));
  }

  private async drain(): Promise<void> {
    this.drainScheduled = false;
    const config = this.config;
    const batch = this.queue;
    this.queue = [];
    if (config === null) return;
    const ordered = config.reorder ? shuffle(batch, this.random) : batch;
    const deliveries: Delivery[] = ordered.map((event) => ({ event, payload: JSON.stringify(event, null, 2), config }));
    // Duplicates go after the batch, as a redelivery of an event Stripe thinks was not received.
    for (const delivery of [...deliveries]) if (this.random() < (config.duplicateRate ?? 0)) deliveries.push(delivery);
    const signal = this.stop.signal;
    // First attempts go out one at a time so the (possibly shuffled) order is the arrival order;
    // retries run on their own so one failing event does not hold the others back.
    for (const delivery of deliveries) {
      if (signal.aborted) return;
      if (await this.attempt(delivery, 1)) this.settle(delivery.event.id);
      else this.track(this.retry(delivery, signal));
    }
  }

  private async retry(delivery: Delivery, signal: AbortSignal): Promise<void> {
    const maxAttempts = delivery.config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 2; attempt <= maxAttempts; attempt++) {
      try {
        await sleep(Math.min(RETRY_BASE_MS * 2 ** (attempt - 2), RETRY_MAX_MS), undefined, { signal });
      } catch {
        return;
      }
      if (await this.attempt(delivery, attempt)) {
        this.settle(delivery.event.id);
        return;
      }
    }
    this.log(`webhook ${delivery.event.type} ${delivery.event.id} abandoned after ${maxAttempts} attempts`);
    this.settle(delivery.event.id);
  }

  private async attempt(delivery: Delivery, attempt: number): Promise<boolean> {
    // Each attempt is signed afresh, with its own timestamp, as Stripe does.
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(delivery.config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': stripeSignatureHeader(delivery.payload, delivery.config.secret, timestamp),
        },
        body: delivery.payload,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      const delivered = response.status >= 200 && response.status < 300;
      if (!delivered) this.log(`webhook ${delivery.event.type} ${delivery.event.id} attempt ${attempt}: HTTP ${response.status}`);
      return delivered;
    } catch (error) {
      this.log(`webhook ${delivery.event.type} ${delivery.event.id} attempt ${attempt}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
