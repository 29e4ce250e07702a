import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createPrice } from '../../billing/catalog/create-price.js';
import { createProduct } from '../../billing/catalog/create-product.js';
import { applyCoupon } from '../../billing/coupons/apply-coupon.js';
import { createCoupon } from '../../billing/coupons/create-coupon.js';
import { adjustCreditBalance } from '../../billing/credit/adjust-credit-balance.js';
import { issueCreditNote } from '../../billing/credit-notes/issue-credit-note.js';
import { createCustomer } from '../../billing/customers/create-customer.js';
import { createInvoiceItem } from '../../billing/invoice-items/create-invoice-item.js';
import { setDefaultPaymentMethod } from '../../billing/customers/set-default-payment-method.js';
import { saveDunningPolicy } from '../../billing/dunning/save-dunning-policy.js';
import { createFeature } from '../../billing/entitlements/create-feature.js';
import { loadCustomerEntitlements } from '../../billing/entitlements/load-entitlements.js';
import { setPlanEntitlement } from '../../billing/entitlements/set-plan-entitlement.js';
import { createMeter } from '../../billing/meters/create-meter.js';
import { setSpendThreshold } from '../../billing/subscriptions/set-spend-threshold.js';
import { createUsageAlert } from '../../billing/usage-alerts/create-usage-alert.js';
import { UsageFollowUp } from '../../billing/usage/usage-follow-up.js';
import { saveBillingSettings } from '../../billing/settings/save-billing-settings.js';
import { isBillingError } from '../../billing/failures.js';
import { cancelSubscription } from '../../billing/subscriptions/cancel-subscription.js';
import { changeSubscription } from '../../billing/subscriptions/change-subscription.js';
import type { SubscriptionCommandDependencies } from '../../billing/subscriptions/command-dependencies.js';
import { createSubscription } from '../../billing/subscriptions/create-subscription.js';
import { notifyPaymentMethodUpdated } from '../../billing/subscriptions/notify-payment-method-updated.js';
import { pauseSubscription } from '../../billing/subscriptions/pause-subscription.js';
import { previewSubscriptionChange } from '../../billing/subscriptions/preview-subscription-change.js';
import { resumeSubscription } from '../../billing/subscriptions/resume-subscription.js';
import { createTaxRate } from '../../billing/tax/create-tax-rate.js';
import { ingestUsageBatch, type UsageEventRequest } from '../../billing/usage/ingest-usage.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import type { MeterAggregation } from '../../domain/index.js';
import { randomBase62 } from '../../ids.js';
import { startReaper, type Reaper } from '../process/reaper-client.js';
import { TemporalSubscriptionWorkflows } from '../../temporal/temporal-subscription-workflows.js';
import { subscriptionWorkflowId } from '../../temporal/workflow-ids.js';
import { createTenantWithKey } from '../../tenancy/tenants.js';
import { getStateQuery, type ChangeItemsRequest, type SubscriptionView } from '../../../workflows/subscription-messages.js';
import type { subscriptionWorkflow } from '../../../workflows/subscription.js';
import {
  createSimulatorDatabase,
  startPayments,
  startTimeSkippingServer,
  startWorker,
  type Log,
  type RunningPayments,
  type SimulatorDatabase,
} from './infrastructure.js';
import { instantMs, parseScenario, priceDefinitionOf, type Scenario, type ScenarioAction, type ScenarioInput } from './scenario-schema.js';
import { buildTimeline, type ActionError, type ActionRecord, type Timeline } from './timeline.js';

export interface RunScenarioOptions {
  /** Progress lines (to stderr in the CLI); silent by default. */
  log?: Log;
  /**
   * A time-skipping environment to run on instead of starting a test server. Its clock must not
   * be past the scenario's start (time only moves forward); the caller tears it down.
   */
  env?: TestWorkflowEnvironment;
  /**
   * A PostgreSQL server to create the run's database on (dropped afterwards). Defaults to
   * DATABASE_URL; without either, a throwaway embedded server in a temp dir is started.
   */
  databaseUrl?: string;
  /** With `databaseUrl`: clone this migrated database instead of migrating a new one. */
  databaseTemplate?: string;
  /** Seeds the Stripe sandbox's RNG (default 1): the same scenario gives the same run. */
  seed?: number;
  /** Longest real time to wait for the workflow to settle after a step (default 60 s). */
  settleTimeoutMs?: number;
}

const EventType = proto.temporal.api.enums.v1.EventType;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/**
 * Whether a run's history has no work in flight: no workflow task scheduled or running and no
 * activity outstanding. Timers do not count: they wait for (skipped) time.
 */
function isIdle(events: readonly HistoryEvent[]): boolean {
  let workflowTaskOpen = false;
  const activities = new Set<string>();
  let closed = false;
  let continued = false;
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        workflowTaskOpen = true;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        workflowTaskOpen = false;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.add(String(event.eventId));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        activities.delete(String(event.activityTaskCompletedEventAttributes?.scheduledEventId));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        activities.delete(String(event.activityTaskFailedEventAttributes?.scheduledEventId));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        activities.delete(String(event.activityTaskTimedOutEventAttributes?.scheduledEventId));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        activities.delete(String(event.activityTaskCanceledEventAttributes?.scheduledEventId));
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        continued = true;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        closed = true;
        break;
      default:
        break;
    }
  }
  if (closed) return true;
  // A run that continued as new hands over to the next run, which is about to start.
  return !continued && !workflowTaskOpen && activities.size === 0;
}

/** A refusal (the workflow's or a command's) as the timeline records it; anything else is worth stopping for. */
function refusalOf(error: unknown): ActionError | undefined {
  return isBillingError(error) && error.kind !== 'unavailable' && error.kind !== 'internal' ? { type: error.code, message: error.message } : undefined;
}

class ScenarioRun {
  private readonly actions: ActionRecord[] = [];
  private readonly priceIds = new Map<string, string>();
  /** Meter key → the created meter (its id, and what its events carry). */
  private readonly meters = new Map<string, { id: string; eventName: string; valueProperty: string | null }>();
  /** Usage follow-up as the API does it after every ingest (alerts, spend thresholds); no throttle, so each batch is checked at its own simulated instant. */
  private followUp: UsageFollowUp | null = null;
  private tenantId = '';
  private customerId = '';

  constructor(
    private readonly scenario: Scenario,
    private readonly env: TestWorkflowEnvironment,
    private readonly prisma: PrismaClient,
    private readonly payments: RunningPayments,
    private readonly taskQueue: string,
    private readonly log: Log,
    private readonly settleTimeoutMs: number,
  ) {}

  private get client(): Client {
    return this.env.client;
  }

  /** Skips server time forward to `at` (epoch ms), letting every timer on the way fire. */
  private async skipTo(at: number): Promise<void> {
    const now = await this.env.currentTimeMs();
    if (at > now) await this.env.sleep(at - now);
  }

  /** Waits (in real time) until the workflow has nothing in flight. */
  private async settle(workflowId: string): Promise<void> {
    const deadline = Date.now() + this.settleTimeoutMs;
    for (;;) {
      const history = await this.client.workflow.getHandle(workflowId).fetchHistory();
      if (isIdle(history.events ?? [])) return;
      if (Date.now() > deadline) throw new Error(`workflow ${workflowId} did not settle within ${this.settleTimeoutMs / 1000}s`);
      await sleep(20);
    }
  }

  /** Webhooks delivered (so signalled), then the workflow done with them; twice, for the webhooks that work causes. */
  private async quiesce(workflowId: string): Promise<void> {
    for (let round = 0; round < 2; round++) {
      await this.payments.flushWebhooks();
      await this.settle(workflowId);
    }
  }

  private price(localId: string): string {
    const id = this.priceIds.get(localId);
    if (id === undefined) throw new Error(`no price ${localId}`);
    return id;
  }

  private meter(key: string): { id: string; eventName: string; valueProperty: string | null } {
    const meter = this.meters.get(key);
    if (meter === undefined) throw new Error(`no meter ${key}`);
    return meter;
  }

  /**
   * A usage action's events, through the same ingestion the API's batch endpoint uses, 1,000 at a
   * time. All refused: recorded as the action's refusal; otherwise what was accepted, duplicated
   * and refused (with the first refusal's code).
   */
  private async reportUsage(action: Extract<ScenarioAction, { type: 'usage' }>, index: number): Promise<unknown> {
    const meter = action.meter === undefined ? undefined : this.meter(action.meter);
    const eventName = meter?.eventName ?? action.event ?? '';
    const properties: Record<string, unknown> = { ...(action.properties ?? {}) };
    if (action.value !== undefined && meter?.valueProperty) properties[meter.valueProperty] = action.value;
    const count = action.count ?? 1;
    const base = action.transactionId ?? `scenario-action-${index}`;
    const timestamp = instantMs(action.timestamp ?? action.at);
    const now = await this.env.currentTimeMs();
    const totals = { accepted: 0, duplicates: 0, rejected: 0, billable: 0, notBillable: {} as Record<string, number> };
    let firstRefusal: ActionError | undefined;
    for (let from = 0; from < count; from += 1000) {
      const events: UsageEventRequest[] = [];
      for (let n = from; n < Math.min(count, from + 1000); n++) {
        const transactionId = count === 1 && action.transactionId !== undefined ? base : `${base}-${n + 1}`;
        events.push({ transactionId, eventName, customerId: this.customerId, timestamp, properties });
      }
      const batch = await ingestUsageBatch(this.prisma, { tenantId: this.tenantId, events, now });
      // Followed up at the action's own instant, so what fires is dated by the scenario, not by how long the run took.
      if (batch.accepted > 0) await this.usageFollowUp().afterIngest(this.tenantId, [this.customerId], instantMs(action.at));
      totals.accepted += batch.accepted;
      totals.duplicates += batch.duplicates;
      totals.rejected += batch.rejected;
      for (const result of batch.results) {
        if (result.status === 'rejected') firstRefusal ??= { type: result.error.code, message: result.error.message };
        else if (result.billable) totals.billable += 1;
        else totals.notBillable[result.reason ?? 'unknown'] = (totals.notBillable[result.reason ?? 'unknown'] ?? 0) + 1;
      }
    }
    if (firstRefusal !== undefined && totals.rejected === count) throw new ActionRefused(firstRefusal.type, firstRefusal.message);
    return { events: count, ...totals, ...(firstRefusal === undefined ? {} : { firstRefusal }) };
  }

  private usageFollowUp(): UsageFollowUp {
    this.followUp ??= new UsageFollowUp(this.prisma, this.commands.workflows, {
      signalIntervalMs: 0,
      tenantCacheMs: 0,
      onError: (error) => {
        throw error;
      },
    });
    return this.followUp;
  }

  /** What the customer may use of a feature now, as GET /v1/customers/{id}/entitlements/{key} answers (ids left out). */
  private async checkEntitlement(feature: string): Promise<unknown> {
    const { answers } = await loadCustomerEntitlements(this.prisma, { tenantId: this.tenantId, customerId: this.customerId, featureKey: feature, now: await this.env.currentTimeMs() });
    const { object: _object, customerId: _customer, featureId: _feature, ...answer } = answers[0]!;
    return answer;
  }

  private async seed(): Promise<{ subscriptionId: string; initialStatus: string }> {
    const s = this.scenario;
    const { prisma } = this;
    const gateway = this.payments.gateway;
    const start = instantMs(s.start);
    const slug = `sim-${randomBase62(10).toLowerCase()}`;
    const { tenant } = await createTenantWithKey(prisma, { name: s.name, slug, keyName: 'simulator' });
    const tenantId = tenant.id;
    this.tenantId = tenantId;

    if (s.settings) await saveBillingSettings(prisma, { tenantId, ...s.settings });
    for (const m of s.catalog.meters ?? []) {
      const created = await createMeter(prisma, {
        tenantId,
        key: m.key,
        aggregation: m.aggregation as MeterAggregation,
        ...(m.eventName === undefined ? {} : { eventName: m.eventName }),
        ...(m.displayName === undefined ? {} : { displayName: m.displayName }),
        ...(m.valueProperty === undefined ? {} : { valueProperty: m.valueProperty }),
        ...(m.uniqueProperty === undefined ? {} : { uniqueProperty: m.uniqueProperty }),
        ...(m.filters === undefined ? {} : { filters: m.filters }),
      });
      this.meters.set(m.key, { id: created.id, eventName: created.eventName, valueProperty: created.valueProperty ?? created.uniqueProperty });
    }

    for (const f of s.catalog.features ?? []) {
      await createFeature(prisma, {
        tenantId,
        key: f.key,
        type: f.type,
        ...(f.meter === undefined ? {} : { meterId: this.meter(f.meter).id }),
        ...(f.usagePeriod === undefined ? {} : { usagePeriod: f.usagePeriod }),
        ...(f.enforcement === undefined ? {} : { enforcement: f.enforcement }),
      });
    }

    const products = new Map<string, string>();
    for (const p of s.catalog.prices) {
      let productId = products.get(p.product);
      if (productId === undefined) {
        productId = (await createProduct(prisma, { tenantId, name: p.product })).productId;
        products.set(p.product, productId);
      }
      const created = await createPrice(prisma, {
        tenantId,
        productId,
        currency: s.currency,
        definition: priceDefinitionOf(p.pricing, s.currency),
        interval: p.interval,
        trialDays: p.trialDays ?? null,
        nickname: p.id,
        ...(p.meter === undefined ? {} : { usageType: 'metered' as const, meterId: this.meter(p.meter).id }),
      });
      this.priceIds.set(p.id, created.priceId);
      for (const grant of p.entitlements ?? []) {
        await setPlanEntitlement(
          prisma,
          { priceId: created.priceId },
          { tenantId, feature: grant.feature, ...(grant.value === undefined ? {} : { value: grant.value }), ...(grant.limit === undefined ? {} : { limit: grant.limit }) },
        );
      }
    }
    for (const rate of s.taxRates ?? []) await createTaxRate(prisma, { tenantId, ...rate });
    if (s.dunningPolicy) await saveDunningPolicy(prisma, { tenantId, ...s.dunningPolicy });

    const customer = await createCustomer(prisma, gateway, {
      tenantId,
      currency: s.currency,
      email: s.customer.email ?? `customer-${randomBase62(8).toLowerCase()}@example.com`,
      name: s.customer.name ?? null,
      taxJurisdiction: s.customer.taxJurisdiction ?? null,
    });
    this.customerId = customer.customerId;
    if (s.customer.paymentMethod !== null) {
      await setDefaultPaymentMethod(prisma, gateway, { tenantId, customerId: customer.customerId, gatewayPaymentMethodId: s.customer.paymentMethod });
    }
    if (s.creditBalance) {
      await adjustCreditBalance(prisma, {
        tenantId,
        customerId: customer.customerId,
        amount: { amount: s.creditBalance.amount, currency: s.currency },
        reason: s.creditBalance.reason,
        sourceKey: 'scenario:initial-credit',
      });
    }
    const coupons = [];
    for (const c of s.coupons ?? []) {
      const created = await createCoupon(prisma, {
        tenantId,
        code: c.code,
        ...(c.name === undefined ? {} : { name: c.name }),
        ...(c.percentOff === undefined ? {} : { percentOff: c.percentOff }),
        ...(c.amountOff === undefined ? {} : { amountOff: { amount: c.amountOff, currency: s.currency } }),
        duration: c.duration,
        ...(c.durationInPeriods === undefined ? {} : { durationInPeriods: c.durationInPeriods }),
        ...(c.maxRedemptions === undefined ? {} : { maxRedemptions: c.maxRedemptions }),
      });
      coupons.push({ couponId: created.couponId, applyTo: c.applyTo });
    }
    for (const c of coupons.filter((c) => c.applyTo === 'customer')) {
      await applyCoupon(prisma, { tenantId, couponId: c.couponId, customerId: customer.customerId, at: start });
    }

    const record = await createSubscription(this.commands, {
      tenantId,
      customerId: customer.customerId,
      items: s.subscription.items.map((item) => ({ priceId: this.price(item.price), quantity: item.quantity })),
      startAt: start,
      ...(s.subscription.trialDays === undefined ? {} : { trialDays: s.subscription.trialDays }),
      ...(s.subscription.billingCycleAnchor === undefined ? {} : { billingCycleAnchor: Date.parse(s.subscription.billingCycleAnchor) }),
      ...(s.subscription.prorationBehavior === undefined ? {} : { stubProration: s.subscription.prorationBehavior }),
      ...(s.subscription.oneTimeItems === undefined ? {} : { oneTimeItems: s.subscription.oneTimeItems.map((item) => this.oneOffItem(item)) }),
    });
    for (const c of coupons.filter((c) => c.applyTo === 'subscription')) {
      await applyCoupon(prisma, { tenantId, couponId: c.couponId, subscriptionId: record.id, at: start });
    }
    if (s.subscription.spendThreshold !== undefined) await setSpendThreshold(prisma, { tenantId, subscriptionId: record.id, amount: s.subscription.spendThreshold });
    for (const alert of s.subscription.usageAlerts ?? []) {
      await createUsageAlert(
        prisma,
        {
          tenantId,
          subscriptionId: record.id,
          meterId: this.meter(alert.meter).id,
          thresholds: alert.thresholds,
          ...(alert.feature === undefined ? {} : { feature: alert.feature }),
          ...(alert.name === undefined ? {} : { name: alert.name }),
        },
        start,
      );
    }
    return { subscriptionId: record.id, initialStatus: record.status };
  }

  private changeRequest(action: Extract<ScenarioAction, { type: 'change' | 'preview_change' }>, index: number): ChangeItemsRequest {
    return {
      changeId: `scenario-action-${index}`,
      items: action.items.map((item) => ({ priceId: this.price(item.price), quantity: item.quantity })),
      ...(action.prorationBehavior === undefined ? {} : { prorationBehavior: action.prorationBehavior }),
      ...(action.effective === undefined ? {} : { effective: action.effective }),
    };
  }

  /** A scenario's one-off item as the billing layer takes it (the catalog id resolved). */
  private oneOffItem(item: { description: string; unitAmount?: number | undefined; price?: string | undefined; quantity?: number | undefined }) {
    return {
      description: item.description,
      ...(item.unitAmount === undefined ? {} : { unitAmount: item.unitAmount }),
      ...(item.price === undefined ? {} : { priceId: this.price(item.price) }),
      ...(item.quantity === undefined ? {} : { quantity: item.quantity }),
    };
  }

  /** A credit note on one of the subscription's invoices, its lines named by position, through the operation the API calls. */
  private async creditNote(action: Extract<ScenarioAction, { type: 'credit_note' }>, subscriptionId: string, at: number): Promise<unknown> {
    const invoice = await this.prisma.invoice.findFirst({ where: { tenantId: this.tenantId, subscriptionId, number: action.invoice }, include: { lines: { orderBy: { position: 'asc' } } } });
    if (invoice === null) throw new ActionRefused('no_such_invoice', `the subscription has no invoice ${action.invoice}`);
    const lines = action.lines?.map((line) => {
      const found = invoice.lines[line.line - 1];
      if (found === undefined) throw new ActionRefused('no_such_line', `${action.invoice} has no line ${line.line}`);
      return { invoiceLineId: found.id, ...(line.amount === undefined ? {} : { amount: line.amount }), ...(line.quantity === undefined ? {} : { quantity: line.quantity }) };
    });
    const note = await issueCreditNote(
      this.prisma,
      this.payments.gateway,
      { tenantId: this.tenantId, invoiceId: invoice.id, reason: action.reason, ...(lines === undefined ? {} : { lines }), ...(action.amount === undefined ? {} : { amount: action.amount }), ...(action.outcome === undefined ? {} : { outcome: action.outcome }) },
      new Date(at),
    );
    return { creditNote: note.number, invoice: action.invoice, outcome: note.outcome, total: note.total, refund: note.refund?.status ?? null };
  }

  /** The scenario customer's id at the gateway (the sandbox keys its declines by it). */
  private async gatewayCustomerId(): Promise<string> {
    const customer = await this.prisma.customer.findUniqueOrThrow({ where: { id: this.customerId }, select: { gatewayCustomerId: true } });
    if (customer.gatewayCustomerId === null) throw new ActionRefused('no_gateway_customer', 'the customer has no payment gateway customer yet (give it a payment method first)');
    return customer.gatewayCustomerId;
  }

  /** The latest charge attempt that waits for the customer to authenticate, and its PaymentIntent. */
  private async authenticate(subscriptionId: string, outcome: 'succeed' | 'fail'): Promise<unknown> {
    const attempt = await this.prisma.paymentAttempt.findFirst({
      where: { tenantId: this.tenantId, status: 'requires_action', gatewayPaymentIntentId: { not: null }, invoice: { subscriptionId } },
      orderBy: [{ createdAt: 'desc' }, { attemptNumber: 'desc' }],
      include: { invoice: { select: { number: true } } },
    });
    if (attempt === null || attempt.gatewayPaymentIntentId === null) {
      throw new ActionRefused('nothing_to_authenticate', 'no payment of this subscription is waiting for 3-D Secure');
    }
    await this.payments.sandbox.authenticatePaymentIntent(attempt.gatewayPaymentIntentId, outcome);
    return { invoice: attempt.invoice.number, attempt: attempt.attemptNumber, paymentIntentId: attempt.gatewayPaymentIntentId, outcome };
  }

  private get commands(): SubscriptionCommandDependencies {
    return { prisma: this.prisma, workflows: new TemporalSubscriptionWorkflows(this.client, this.taskQueue), now: () => this.env.currentTimeMs() };
  }

  /** Each action goes through the same subscription command the API's route calls. */
  private async perform(action: ScenarioAction, index: number, subscriptionId: string, at: number): Promise<unknown> {
    const ids = { tenantId: this.tenantId, subscriptionId };
    const commands = this.commands;
    switch (action.type) {
      case 'change': {
        const { changeId, ...change } = this.changeRequest(action, index);
        return changeSubscription(commands, { ...ids, changeId, ...change });
      }
      case 'preview_change': {
        const { changeId: _unused, ...change } = this.changeRequest(action, index);
        return previewSubscriptionChange(commands, { ...ids, ...change });
      }
      case 'cancel':
        return (await cancelSubscription(commands, { ...ids, mode: action.mode, prorate: action.prorate })).live;
      case 'pause':
        return (await pauseSubscription(commands, ids)).live;
      case 'resume':
        return (await resumeSubscription(commands, ids)).live;
      case 'payment_method': {
        const saved = await setDefaultPaymentMethod(this.prisma, this.payments.gateway, {
          tenantId: this.tenantId,
          customerId: this.customerId,
          gatewayPaymentMethodId: action.paymentMethod,
        });
        const { notified } = await notifyPaymentMethodUpdated(commands, { tenantId: this.tenantId, customerId: this.customerId, paymentMethodId: saved.gatewayPaymentMethodId });
        return { paymentMethod: action.paymentMethod, brand: saved.brand, last4: saved.last4, signalled: notified > 0 };
      }
      case 'authenticate_payment':
        return this.authenticate(subscriptionId, action.outcome ?? 'succeed');
      case 'decline_charges':
        await this.payments.sandbox.declineNextCharges(await this.gatewayCustomerId(), action.declineCode, action.count);
        return { declineCode: action.declineCode, count: action.count ?? null };
      case 'accept_charges':
        await this.payments.sandbox.clearChargeDeclines(await this.gatewayCustomerId());
        return { declining: false };
      case 'invoice_item': {
        const { type: _type, at: _at, ...item } = action;
        const created = await createInvoiceItem(this.prisma, { tenantId: this.tenantId, customerId: this.customerId, item: this.oneOffItem(item) });
        return { description: created.description, amount: created.amount, status: created.status };
      }
      case 'credit_note':
        return this.creditNote(action, subscriptionId, at);
      case 'usage':
        return this.reportUsage(action, index);
      case 'check_entitlement':
        return this.checkEntitlement(action.feature);
    }
  }

  async run(): Promise<Timeline> {
    const s = this.scenario;
    const start = instantMs(s.start);
    const until = instantMs(s.until);
    const now = await this.env.currentTimeMs();
    if (start < now) {
      throw new Error(`the scenario starts at ${s.start}, but the time-skipping server's clock is already at ${new Date(now).toISOString()}; time only moves forward`);
    }
    await this.skipTo(start);
    this.log(`${s.start} seeding tenant, catalog and customer`);
    const { subscriptionId, initialStatus } = await this.seed();
    const workflowId = subscriptionWorkflowId(subscriptionId);
    this.log(`${s.start} started ${workflowId} (${initialStatus})`);
    await this.quiesce(workflowId);

    for (const [index, action] of s.actions.entries()) {
      const at = instantMs(action.at);
      await this.skipTo(at);
      await this.quiesce(workflowId);
      const record: ActionRecord = { index, at, seq: Date.now(), action: action.type };
      try {
        record.result = await this.perform(action, index, subscriptionId, at);
      } catch (error) {
        const refused = error instanceof ActionRefused ? { type: error.code, message: error.message } : refusalOf(error);
        if (refused === undefined) throw error;
        record.error = refused;
      }
      this.actions.push(record);
      this.log(`${new Date(at).toISOString()} action ${index + 1}/${s.actions.length} ${action.type}: ${record.error ? `refused (${record.error.type}: ${record.error.message})` : 'done'}`);
      await this.quiesce(workflowId);
    }

    await this.skipTo(until);
    await this.quiesce(workflowId);
    this.log(`${s.until} reached; building the timeline`);
    try {
      return await this.timeline(workflowId, subscriptionId, initialStatus);
    } finally {
      // The subscription lives on past `until`; on a shared time-skipping server its next task
      // must not wait for a worker that is about to stop.
      await this.client.workflow.getHandle(workflowId).terminate('scenario finished').catch(() => undefined);
    }
  }

  private async timeline(workflowId: string, subscriptionId: string, initialStatus: string): Promise<Timeline> {
    const s = this.scenario;
    return buildTimeline(this.prisma, {
      scenario: s.name,
      tenantId: this.tenantId,
      customerId: this.customerId,
      subscriptionId,
      currency: s.currency,
      initialStatus,
      actions: this.actions,
      final: await this.finalState(workflowId),
      start: instantMs(s.start),
      until: instantMs(s.until),
      priceNames: new Map([...this.priceIds].map(([local, id]) => [id, local])),
      meterKeys: new Map([...this.meters].map(([key, meter]) => [meter.id, key])),
    });
  }

  private async finalState(workflowId: string): Promise<SubscriptionView | null> {
    const handle = this.client.workflow.getHandle<typeof subscriptionWorkflow>(workflowId);
    try {
      return await handle.query(getStateQuery);
    } catch (error) {
      // A finished workflow (canceled) returned its final view as its result.
      if ((await handle.describe()).status.name === 'COMPLETED') return handle.result();
      throw error;
    }
  }
}

/** An action the simulator itself cannot carry out; recorded in the timeline like a refused update. */
class ActionRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs a scenario end to end on real parts (time-skipping Temporal, PostgreSQL, the Stripe
 * sandbox and its webhooks) and returns its timeline. Throws `ScenarioValidationError` for a bad
 * scenario before starting anything. Everything started here is stopped before it returns.
 */
export async function runScenario(input: ScenarioInput | Scenario, options: RunScenarioOptions = {}): Promise<Timeline> {
  const scenario = parseScenario(input);
  const log = options.log ?? (() => undefined);
  const cleanups: Array<{ what: string; run: () => Promise<void> }> = [];
  let reaper: Reaper | undefined;
  const getReaper = (): Reaper => (reaper ??= startReaper());
  try {
    let env = options.env;
    if (env === undefined) {
      const temporal = await startTimeSkippingServer(getReaper(), log);
      cleanups.push({ what: 'the time-skipping server', run: () => temporal.stop() });
      env = temporal.env;
    }
    const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    const database: SimulatorDatabase = await createSimulatorDatabase({ adminUrl: databaseUrl, template: options.databaseTemplate }, getReaper, log);
    cleanups.push({ what: 'the database', run: () => database.close() });
    const payments = await startPayments(database.prisma, env.client, log, options.seed ?? 1);
    cleanups.push({ what: 'the Stripe sandbox', run: () => payments.close() });
    const worker = await startWorker(env, database.prisma, payments.gateway);
    cleanups.push({ what: 'the worker', run: () => worker.stop() });
    const run = new ScenarioRun(scenario, env, database.prisma, payments, worker.taskQueue, log, options.settleTimeoutMs ?? 60_000);
    return await run.run();
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.run();
      } catch (error) {
        log(`stopping ${cleanup.what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    reaper?.close();
  }
}
