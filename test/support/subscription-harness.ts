import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type BillingActivities } from '../../activities/index.js';
import type { BillingInterval, PriceDefinition } from '../../src/domain/index.js';
import { subscriptionWorkflowId } from '../../src/temporal/workflow-ids.js';
import { getStateQuery } from '../../workflows/subscription-messages.js';
import { subscriptionWorkflow } from '../../workflows/subscription.js';
import { seedCustomer, seedPrice, seedSubscription, seedTenant } from './billing-fixtures.js';
import { startSandbox, type SandboxHarness } from './stripe-sandbox.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { connectTimeSkipping } from './time-skipping.js';
import { LazyMailCatcher } from './lazy-mail-catcher.js';
import { TemporalOutbound } from '../../src/temporal/temporal-outbound.js';
import { DEVELOPMENT_URL_POLICY } from '../../src/billing/webhook-endpoints/address-policy.js';
import { drainOutbox } from '../../src/billing/events/drain-outbox.js';
import { sendDueEmails } from '../../src/billing/notifications/send-email-notification.js';
import { billingWorkerInterceptors, billingWorkerSinks } from '../../src/temporal/worker-interceptors.js';

const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * Everything a subscription workflow test needs, all real: a time-skipping server of its own, a
 * database of the file's own, the Stripe sandbox through the SDK, and workers running the real
 * activities on the real workflow bundle.
 */
export class SubscriptionHarness {
  private bundle: WorkflowBundleWithSourceMap | undefined;
  private workers: RunningWorker[] = [];
  private started: Array<WorkflowHandle<typeof subscriptionWorkflow>> = [];
  readonly taskQueue = `billing-test-${Math.random().toString(36).slice(2)}`;
  /** Customer emails: sent over SMTP to a local catcher (started when first used). */
  readonly mail = new LazyMailCatcher();
  /** Lanes, emails, replays and tests as the worker and API start them. */
  readonly outbound: TemporalOutbound;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly db: TestDatabase,
    readonly stripe: SandboxHarness,
  ) {
    // A plain client, not the time-skipping one: waiting for a replay's result must not move the billing clock.
    this.outbound = new TemporalOutbound(new Client({ connection: env.connection, namespace: env.namespace ?? 'default' }), this.taskQueue);
  }

  static async create(): Promise<SubscriptionHarness> {
    const [env, db, stripe] = await Promise.all([connectTimeSkipping(), createTestDatabase(), startSandbox({ seed: 5 })]);
    return new SubscriptionHarness(env, db, stripe);
  }

  activities(): BillingActivities {
    return createActivities({ prisma: this.db.prisma, gateway: this.stripe.gateway, outbound: this.outbound, webhookUrlPolicy: DEVELOPMENT_URL_POLICY, mailer: this.mail, publicUrl: 'http://billing.test' });
  }

  /**
   * What the event relay and the email sender do, once, until there is nothing left: rows to
   * deliveries and emails, the deliveries' lanes started, the due emails sent. (The relay workflow itself is a long heartbeating
   * activity, which time skipping would race; tests relay when they mean to.)
   */
  async relay(): Promise<number> {
    const relayed = await drainOutbox(this.db.prisma, this.outbound);
    // …and what the email sender does: every due email sent.
    const email = { prisma: this.db.prisma, mailer: this.mail, publicUrl: 'http://billing.test' };
    while ((await sendDueEmails(email, { now: new Date(), limit: 50, concurrency: 8 })) > 0);
    return relayed;
  }

  /** A worker on the real bundle; `wrap` may replace activities (to simulate a crash). */
  async startWorker(wrap: (real: BillingActivities) => BillingActivities = (real) => real, options: { shutdownGraceTime?: string; shutdownForceTime?: string } = {}): Promise<RunningWorker> {
    // The interceptors' workflow modules (tracing's, when on) are bundled with the workflows.
    const { workflowModules, ...interceptors } = billingWorkerInterceptors();
    this.bundle ??= await bundleWorkflowCode({ workflowsPath, logger: silent, workflowInterceptorModules: workflowModules ?? [] });
    const sinks = billingWorkerSinks();
    const worker = await Worker.create({
      connection: this.env.nativeConnection,
      taskQueue: this.taskQueue,
      workflowBundle: this.bundle,
      activities: wrap(this.activities()),
      interceptors,
      ...(sinks === undefined ? {} : { sinks }),
      ...(options.shutdownGraceTime ? { shutdownGraceTime: options.shutdownGraceTime } : {}),
      ...(options.shutdownForceTime ? { shutdownForceTime: options.shutdownForceTime } : {}),
    });
    const running = worker.run();
    const handle: RunningWorker = {
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined); // a forced shutdown rejects: that is the point
      },
    };
    this.workers.push(handle);
    return handle;
  }

  async seedTenant(): Promise<string> {
    return (await seedTenant(this.db.prisma)).tenantId;
  }

  async seedCustomer(tenantId: string, options: { currency?: string; testPaymentMethod?: string | null; taxJurisdiction?: string | null } = {}): Promise<string> {
    const customer = await seedCustomer(this.db.prisma, this.stripe.gateway, { tenantId, currency: options.currency ?? 'USD', ...options });
    return customer.customerId;
  }

  async seedPrice(tenantId: string, definition: PriceDefinition, interval: BillingInterval = { unit: 'month', count: 1 }, productName = 'Plan', meterId?: string): Promise<string> {
    const metered = meterId === undefined ? {} : { usageType: 'metered' as const, meterId };
    return (await seedPrice(this.db.prisma, { tenantId, currency: definition.currency, definition, interval, productName, ...metered })).priceId;
  }

  /** Creates the subscription row and starts its workflow. */
  async startSubscription(input: {
    tenantId: string;
    customerId: string;
    items: Array<{ priceId: string; quantity: number }>;
    startAt?: number;
    trialDays?: number | null;
    billingCycleAnchor?: number;
    stubProration?: 'create_prorations' | 'none';
  }): Promise<{ subscriptionId: string; handle: WorkflowHandle<typeof subscriptionWorkflow> }> {
    const record = await seedSubscription(this.db.prisma, {
      tenantId: input.tenantId,
      customerId: input.customerId,
      items: input.items,
      startAt: input.startAt ?? (await this.env.currentTimeMs()),
      trialDays: input.trialDays ?? null,
      ...(input.billingCycleAnchor === undefined ? {} : { billingCycleAnchor: input.billingCycleAnchor }),
      ...(input.stubProration === undefined ? {} : { stubProration: input.stubProration }),
    });
    const handle = await this.env.client.workflow.start(subscriptionWorkflow, {
      taskQueue: this.taskQueue,
      workflowId: subscriptionWorkflowId(record.subscriptionId),
      args: [{ tenantId: input.tenantId, subscriptionId: record.subscriptionId }],
    });
    this.started.push(handle);
    // The workflow answers queries once its first task has loaded the subscription.
    for (let tries = 0; ; tries++) {
      try {
        await handle.query(getStateQuery);
        break;
      } catch (error) {
        if (tries > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return { subscriptionId: record.subscriptionId, handle };
  }

  /**
   * A file's tests share its time-skipping server, whose clock only moves forward, so each file
   * dates its scenarios from a base year after the current server time: the first year Y at least one
   * year ahead such that Y + 1 is a leap year (so a two-year run always crosses a February 29).
   */
  async baseYear(): Promise<number> {
    let year = new Date(await this.env.currentTimeMs()).getUTCFullYear() + 1;
    while ((year + 1) % 4 !== 0 || ((year + 1) % 100 === 0 && (year + 1) % 400 !== 0)) year += 1;
    return year;
  }

  /** Skips server time to `at` (epoch ms), letting timers fire on the way. */
  async skipTo(at: number): Promise<void> {
    const now = await this.env.currentTimeMs();
    if (at > now) await this.env.sleep(at - now);
  }

  async invoices(subscriptionId: string) {
    return this.db.prisma.invoice.findMany({
      where: { subscriptionId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: { lines: { orderBy: { position: 'asc' } }, paymentAttempts: { orderBy: { attemptNumber: 'asc' } } },
    });
  }

  async close(): Promise<void> {
    // Workflows must not outlive their file's workers (the server stops with the file anyway).
    for (const handle of this.started) await handle.terminate('test file finished').catch(() => undefined);
    // Workflows started by other means (the HTTP API) are found through their rows.
    const others = await this.db.prisma.subscription.findMany({ select: { id: true } }).catch(() => []);
    for (const { id } of others) await this.env.client.workflow.getHandle(subscriptionWorkflowId(id)).terminate('test file finished').catch(() => undefined);
    for (const worker of this.workers) await worker.stop().catch(() => undefined);
    await this.stripe.close();
    await this.mail.stop();
    await this.db.drop();
    await this.env.teardown();
  }
}

/**
 * Polls until `check` holds (or throws after `timeoutMs`). Server time stops skipping once the
 * target is reached, but activities the workflow started at that moment still run in real time.
 */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** UTC instant from a calendar date: `utc(2027, 1, 31)` is 2027-01-31T00:00:00Z. */
export function utc(year: number, month: number, day: number, hour = 0): number {
  return Date.UTC(year, month - 1, day, hour);
}

export const DAY_MS = 86_400_000;

/**
 * A test file's harness: created (with a worker unless `worker: false`) before its tests and
 * closed after them. `ready` receives the harness and the file's base year (see `baseYear`).
 */
export function useSubscriptionHarness(ready: (harness: SubscriptionHarness, year: number) => void, options: { worker?: boolean } = {}): void {
  let harness: SubscriptionHarness | undefined;
  beforeAll(async () => {
    harness = await SubscriptionHarness.create();
    ready(harness, await harness.baseYear());
    if (options.worker !== false) await harness.startWorker();
  });
  afterAll(async () => {
    await harness?.close();
  });
}
