import { Context } from '@temporalio/activity';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../../src/project-root.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type BillingActivities } from '../../../activities/index.js';
import { ensureSchedules } from '../../../src/temporal/schedules/ensure-schedules.js';
import { SCHEDULES, type ScheduleDeclaration } from '../../../src/temporal/schedules/schedule-declarations.js';
import { TemporalSubscriptionWorkflowProbe } from '../../../src/temporal/temporal-subscription-workflow-probe.js';
import { subscriptionWorkflowId } from '../../../src/temporal/workflow-ids.js';
import { BILLING_SNAPSHOT, PAYMENT_RECONCILIATION, RETENTION, STUCK_BILLING_SWEEP, USAGE_CLOSE_OUT, USAGE_THRESHOLDS } from '../../../workflows/scheduled-job-ids.js';
import type { BillingSnapshotResult } from '../../../workflows/billing-snapshot.js';
import type { PaymentReconciliationResult } from '../../../workflows/payment-reconciliation.js';
import type { RetentionResult } from '../../../workflows/retention.js';
import type { UsageCloseOutResult } from '../../../workflows/usage-close-out.js';
import type { UsageThresholdScan } from '../../../activities/scheduled-job-activities.js';
import type { JobRunResult } from '../../../workflows/scheduled-job-run.js';
import type { StuckBillingSweepResult } from '../../../workflows/stuck-billing-sweep.js';
import { clearAttentionSignal, getStateQuery } from '../../../workflows/subscription-messages.js';
import { subscriptionWorkflow } from '../../../workflows/subscription.js';
import { seedCustomer, seedPrice, seedSubscription, seedTenant } from '../../support/billing-fixtures.js';
import { eventually } from '../../support/subscription-harness.js';
import { startSandbox, type SandboxHarness } from '../../support/stripe-sandbox.js';
import { startDevServer } from '../../support/dev-server.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

// Schedules need the real dev server (the time-skipping server has none), in real time, as
// `npm start` runs it: the registry, a schedule's run found idempotent by its scheduled time, and
// the reconciliation and the sweep taking up a payment whose answer was lost with its workflow.
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let stripe: SandboxHarness;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'billing-schedules';
/** While set, a charge is sent to the gateway and then never answered (the worker "hangs"). */
let hangAfterCharge = false;

beforeAll(async () => {
  env = await startDevServer();
  [db, stripe] = await Promise.all([createTestDatabase(), startSandbox({ seed: 13 })]);
  const real = createActivities({ prisma: db.prisma, gateway: stripe.gateway, probe: new TemporalSubscriptionWorkflowProbe(env.client, taskQueue) });
  const activities: BillingActivities & typeof real = {
    ...real,
    chargeInvoice: async (input) => {
      const outcome = await real.chargeInvoice(input);
      // Hangs until the worker shuts down (which cancels it), never answering.
      if (hangAfterCharge) await Context.current().cancelled;
      return outcome;
    },
  };
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url)), logger: quiet }),
    activities,
    shutdownGraceTime: '1 second',
    shutdownForceTime: '2 seconds',
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await stripe?.close();
  await db?.drop();
  await env?.teardown();
});

const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The result of the run a schedule starts next (after `before` runs had been taken). */
async function nextRunResult<R>(scheduleId: string, before: number): Promise<Extract<JobRunResult<R>, { status: 'completed' }>> {
  const handle = env.client.schedule.getHandle(scheduleId);
  const description = await eventually(() => handle.describe(), (d) => d.info.recentActions.length > before, 30_000);
  const action = description.info.recentActions.at(-1)!;
  const result = (await env.client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId).result()) as JobRunResult<R>;
  if (result.status !== 'completed') throw new Error(`${scheduleId} failed: ${result.error}`);
  return result;
}

describe('the schedule registry', () => {
  it('creates every declared schedule once, leaves them alone when nothing changed, updates a changed one keeping it paused, and removes an undeclared one', async () => {
    const first = await ensureSchedules(env.client, taskQueue);
    expect(first.map((o) => o.outcome)).toEqual(SCHEDULES.map(() => 'created'));
    const again = await ensureSchedules(env.client, taskQueue);
    expect(again.map((o) => o.outcome)).toEqual(SCHEDULES.map(() => 'unchanged'));

    // An operator pauses the sweep; then its declaration changes (a new jitter): updated, still paused.
    await env.client.schedule.getHandle(STUCK_BILLING_SWEEP).pause('investigating');
    const changed: ScheduleDeclaration[] = SCHEDULES.map((s) => (s.id === STUCK_BILLING_SWEEP ? { ...s, jitter: '45 seconds' } : s));
    const updated = await ensureSchedules(env.client, taskQueue, changed);
    expect(updated.find((o) => o.id === STUCK_BILLING_SWEEP)?.outcome).toBe('updated');
    const sweep = await env.client.schedule.getHandle(STUCK_BILLING_SWEEP).describe();
    expect(sweep.state.paused).toBe(true);
    expect(sweep.spec.jitter).toBe(45_000);
    expect(sweep.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);

    // A schedule this project no longer declares (say, one renamed) is deleted; others' are left.
    await env.client.schedule.create({ scheduleId: 'billing-retired-job', spec: { intervals: [{ every: '1 hour' }] }, action: { type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue }, state: { paused: true } });
    await env.client.schedule.create({ scheduleId: 'someone-elses', spec: { intervals: [{ every: '1 hour' }] }, action: { type: 'startWorkflow', workflowType: 'x', taskQueue: 'other' }, state: { paused: true } });
    const ids = async () => {
      const found: string[] = [];
      for await (const s of env.client.schedule.list()) found.push(s.scheduleId);
      return found.sort();
    };
    await eventually(ids, (found) => found.includes('billing-retired-job') && found.includes('someone-elses'), 15_000);
    const cleaned = await ensureSchedules(env.client, taskQueue);
    expect(cleaned.filter((o) => o.outcome !== 'unchanged')).toEqual([
      { id: STUCK_BILLING_SWEEP, outcome: 'updated' }, // back to the declared jitter
      { id: 'billing-retired-job', outcome: 'deleted' },
    ]);
    const listed = await eventually(ids, (found) => !found.includes('billing-retired-job'), 15_000);
    expect(listed).toEqual([...SCHEDULES.map((s) => s.id), 'someone-elses'].sort()); // each once
    await env.client.schedule.getHandle('someone-elses').delete();
    // The rest of this file triggers runs by hand: nothing runs on its own meanwhile.
    for (const schedule of SCHEDULES) await env.client.schedule.getHandle(schedule.id).pause('test: runs are triggered by hand');
  });

  it('a backfill over times already done does nothing twice: each run finds its scheduled time completed', async () => {
    const handle = env.client.schedule.getHandle(BILLING_SNAPSHOT);
    const hourNow = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    // The snapshot is hourly at :05; [now − 3 h, now − 1 h) holds two scheduled times.
    const window = { start: new Date(hourNow - 3 * 3_600_000), end: new Date(hourNow - 3_600_000) };
    const results = async (count: number) => {
      const d = await eventually(() => handle.describe(), (x) => x.info.recentActions.length >= count, 30_000);
      return Promise.all(
        d.info.recentActions.slice(count - 2, count).map((a) => env.client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).result() as Promise<JobRunResult<BillingSnapshotResult>>),
      );
    };
    const before = (await handle.describe()).info.recentActions.length;
    await handle.backfill({ ...window, overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    const firstRuns = await results(before + 2);
    expect(firstRuns.map((r) => [r.status, r.repeated])).toEqual([
      ['completed', false],
      ['completed', false],
    ]);
    // The run's time is the schedule's, not the time it ran: hh:05 of each backfilled hour.
    expect(firstRuns.map((r) => r.scheduledAt.slice(14, 16))).toEqual(['05', '05']);
    await handle.backfill({ ...window, overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    const repeated = await results(before + 4);
    expect(repeated.map((r) => [r.status, r.repeated, r.scheduledAt])).toEqual(firstRuns.map((r) => ['completed', true, r.scheduledAt]));
    const rows = await db.prisma.jobRun.findMany({ where: { job: BILLING_SNAPSHOT }, orderBy: { scheduledAt: 'asc' } });
    expect(rows.map((r) => [r.scheduledAt.toISOString(), r.status])).toEqual(firstRuns.map((r) => [r.scheduledAt, 'completed']));
  });
});

describe('a payment whose answer was lost with its workflow', () => {
  it('is recorded by the reconciliation without a second charge, and the sweep starts the workflow again, flagged', async () => {
    const { tenantId } = await seedTenant(db.prisma, 'Lost answer');
    // This tenant's attempts are looked up as soon as they are left unanswered.
    await db.prisma.billingSettings.create({ data: { tenantId, reconcileAfterMinutes: 0 } });
    const customer = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    const { priceId } = await seedPrice(db.prisma, { tenantId, currency: 'USD', definition: { model: 'flat', currency: 'USD', amount: 4900 }, interval: { unit: 'month', count: 1 } });
    const record = await seedSubscription(db.prisma, { tenantId, customerId: customer.customerId, items: [{ priceId, quantity: 1 }], startAt: Date.now() });
    const handle = env.client.workflow.getHandle<typeof subscriptionWorkflow>(subscriptionWorkflowId(record.subscriptionId));

    // The charge reaches the gateway and succeeds; its answer never comes back, and the workflow
    // is then lost (terminated) with the attempt still pending.
    hangAfterCharge = true;
    await env.client.workflow.start(subscriptionWorkflow, { taskQueue, workflowId: handle.workflowId, args: [{ tenantId, subscriptionId: record.subscriptionId }] });
    const invoiceOf = () => db.prisma.invoice.findFirst({ where: { subscriptionId: record.subscriptionId }, include: { paymentAttempts: true } });
    const invoice = await eventually(invoiceOf, (i) => i !== null && i.paymentAttempts.length === 1 && stripe.sandbox.successfulChargesFor('invoice_id', i.id).length === 1, 30_000);
    await handle.terminate('lost for the test');
    hangAfterCharge = false;
    expect(invoice!.paymentAttempts.map((a) => a.status)).toEqual(['pending']);
    expect(invoice!.status).toBe('open');

    // Reconciliation, triggered as an operator would. A triggered run stands for the trigger's time
    // in whole seconds: what it checks must be older than that (threshold 0), hence the pause.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const reconciliation = env.client.schedule.getHandle(PAYMENT_RECONCILIATION);
    const taken = (await reconciliation.describe()).info.recentActions.length;
    await reconciliation.trigger();
    const result = await nextRunResult<PaymentReconciliationResult>(PAYMENT_RECONCILIATION, taken);
    expect(result).toMatchObject({ status: 'completed', repeated: false, result: { outcomes: { succeeded: 1, declined: 0, still_pending: 0, not_at_gateway: 0 }, signalled: 0 } });
    const after = await invoiceOf();
    expect(after!.status).toBe('paid');
    expect(after!.paymentAttempts.map((a) => a.status)).toEqual(['succeeded']);
    expect(stripe.sandbox.successfulChargesFor('invoice_id', after!.id)).toHaveLength(1); // no second charge

    // The sweep finds the subscription live in the database with its workflow terminated.
    await db.prisma.subscription.update({ where: { id: record.subscriptionId }, data: { createdAt: new Date(Date.now() - 10 * 60_000) } });
    const sweep = env.client.schedule.getHandle(STUCK_BILLING_SWEEP);
    const swept = (await sweep.describe()).info.recentActions.length;
    await sweep.trigger();
    const sweepResult = await nextRunResult<StuckBillingSweepResult>(STUCK_BILLING_SWEEP, swept);
    expect(sweepResult.result.findings).toContainEqual({ subscriptionId: record.subscriptionId, tenantId, problem: 'workflow_closed', standing: 'terminated', action: 'restarted' });
    // Started again from the database: it finds the invoice paid, charges nothing, and says why it is flagged.
    const state = await eventually(
      () => handle.query(getStateQuery).catch(() => null),
      (s) => s !== null && s.status === 'active',
      30_000,
    );
    expect(state!.attention).toMatchObject({ reason: 'workflow_restarted' });
    expect(stripe.sandbox.successfulChargesFor('invoice_id', after!.id)).toHaveLength(1);
    const flagged = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const execution of env.client.workflow.list({ query: `BillingAttention = "workflow_restarted" AND TenantId = "${tenantId}"` })) ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      30_000,
    );
    expect(flagged).toEqual([handle.workflowId]);
    expect(await db.prisma.outboxEvent.count({ where: { tenantId, type: 'billing.attention_required', aggregateId: record.subscriptionId } })).toBe(1);

    // An operator clears the flag; then the invoice turns out to have been charged a second time
    // at the gateway (attempt 2, outside our records): the next reconciliation records it once,
    // with its event, and flags the subscription again — still charging nothing.
    await handle.signal(clearAttentionSignal, {});
    await eventually(() => handle.query(getStateQuery), (s) => s.attention === null, 15_000);
    const customerRow = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.customerId } });
    const duplicate = await stripe.gateway.chargeInvoice({ tenantId, invoiceId: after!.id, subscriptionId: record.subscriptionId, attempt: 2, amount: { amount: 4900, currency: 'USD' }, gatewayCustomerId: customerRow.gatewayCustomerId! });
    expect(duplicate.status).toBe('succeeded');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const reconciled = (await reconciliation.describe()).info.recentActions.length;
    await reconciliation.trigger();
    const second = await nextRunResult<PaymentReconciliationResult>(PAYMENT_RECONCILIATION, reconciled);
    expect(second.result.discrepancies.map((d) => [d.kind, d.invoiceId, d.amount])).toEqual([['duplicate_payment', after!.id, 4900]]);
    expect(await db.prisma.reconciliationDiscrepancy.count({ where: { tenantId } })).toBe(1);
    expect(await db.prisma.outboxEvent.count({ where: { tenantId, type: 'reconciliation.discrepancy' } })).toBe(1);
    const reflagged = await eventually(() => handle.query(getStateQuery), (s) => s.attention?.reason === 'reconciliation_discrepancy', 15_000);
    expect(reflagged.attention?.reason).toBe('reconciliation_discrepancy');
    expect(stripe.sandbox.successfulChargesFor('invoice_id', after!.id)).toHaveLength(2); // the two the gateway made; none by us
  });
});

describe('operating the schedules', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/temporal/schedules/schedules-cli.ts'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, TEMPORAL_ADDRESS: env.connection.options.address, TEMPORAL_NAMESPACE: 'default' },
      encoding: 'utf8',
    });

  it('npm run schedules lists, describes, pauses, unpauses and triggers them, and refuses a bad backfill', async () => {
    const listed = cli('list');
    expect(listed.status).toBe(0);
    for (const schedule of SCHEDULES) expect(listed.stdout.split('\n').filter((line) => line.startsWith(`${schedule.id} `))).toHaveLength(1);
    expect(cli('unpause', RETENTION, 'back on').status).toBe(0);
    expect((await env.client.schedule.getHandle(RETENTION).describe()).state.paused).toBe(false);
    expect(cli('pause', RETENTION, 'maintenance').status).toBe(0);
    const paused = await env.client.schedule.getHandle(RETENTION).describe();
    expect([paused.state.paused, paused.state.note]).toEqual([true, 'maintenance']);

    const before = (await env.client.schedule.getHandle(RETENTION).describe()).info.recentActions.length;
    expect(cli('trigger', RETENTION).status).toBe(0);
    const run = await nextRunResult<RetentionResult>(RETENTION, before);
    expect(run.result.idempotency_keys.complete).toBe(true);
    const described = cli('describe', RETENTION);
    expect(described.status).toBe(0);
    const view = JSON.parse(described.stdout) as { workflowType: string; paused: boolean; lastRun: { status: string; result: { status: string; result: RetentionResult } } };
    expect(view).toMatchObject({ workflowType: 'retentionWorkflow', paused: true, lastRun: { status: 'COMPLETED', result: { status: 'completed', result: run.result } } });

    const bad = cli('backfill', RETENTION, '--from', 'yesterday', '--to', '2026-12-01T00:00:00Z');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--from needs an ISO 8601 time');
    const unknown = cli('trigger', 'billing-no-such-job');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no schedule 'billing-no-such-job'");
  }, 120_000);

  it('retention deletes what is past retention and the usage close-out reports no drift, each from its schedule', async () => {
    const { tenantId } = await seedTenant(db.prisma, 'Retention');
    const old = new Date(Date.now() - 40 * 86_400_000);
    await db.prisma.webhookEvent.create({ data: { id: 'evt_schedule_old', provider: 'stripe', type: 'charge.succeeded', tenantId, eventCreatedAt: old, receivedAt: old, outcome: 'dispatched', payload: {} } });
    await db.prisma.idempotencyKey.create({ data: { tenantId, key: 'old-key', method: 'POST', path: '/v1/customers', requestHash: 'h', state: 'completed', createdAt: old } });
    const retention = env.client.schedule.getHandle(RETENTION);
    const taken = (await retention.describe()).info.recentActions.length;
    await retention.trigger();
    const purged = await nextRunResult<RetentionResult>(RETENTION, taken);
    expect(purged.result.webhook_events.deleted).toBeGreaterThanOrEqual(1);
    expect(purged.result.idempotency_keys.deleted).toBeGreaterThanOrEqual(1);
    expect(await db.prisma.webhookEvent.count({ where: { id: 'evt_schedule_old' } })).toBe(0);
    expect(await db.prisma.idempotencyKey.count({ where: { tenantId } })).toBe(0);

    const closeOut = env.client.schedule.getHandle(USAGE_CLOSE_OUT);
    const closed = (await closeOut.describe()).info.recentActions.length;
    await closeOut.trigger();
    const verified = await nextRunResult<UsageCloseOutResult>(USAGE_CLOSE_OUT, closed);
    expect(verified.result).toMatchObject({ drifted: 0, drift: [] });
    // The two whole hours before the trigger's hour.
    expect(Date.parse(verified.result.to) - Date.parse(verified.result.from)).toBe(2 * 3_600_000);

    // An alert whose threshold usage already stands at (0 calls ≥ 0), never evaluated: the scan fires it, once.
    const alerting = await seedTenant(db.prisma, 'Alerts');
    const buyer = await seedCustomer(db.prisma, stripe.gateway, { tenantId: alerting.tenantId, currency: 'USD', testPaymentMethod: null });
    const meter = await db.prisma.meter.create({ data: { id: `meter_scan_${Date.now()}`, tenantId: alerting.tenantId, key: 'calls', eventName: 'calls', displayName: 'Calls', aggregation: 'count' } });
    const day = 86_400_000;
    const sub = await db.prisma.subscription.create({
      data: {
        id: `sub_scan_${Date.now()}`,
        tenantId: alerting.tenantId,
        customerId: buyer.customerId,
        status: 'active',
        currency: 'USD',
        intervalUnit: 'month',
        intervalCount: 1,
        billingAnchor: new Date(Date.now() - day),
        currentPeriodStart: new Date(Date.now() - day),
        currentPeriodEnd: new Date(Date.now() + 29 * day),
      },
    });
    const alert = await db.prisma.usageAlert.create({ data: { id: `ualert_scan_${Date.now()}`, tenantId: alerting.tenantId, subscriptionId: sub.id, meterId: meter.id, thresholds: [{ quantity: '0' }] } });
    const thresholds = env.client.schedule.getHandle(USAGE_THRESHOLDS);
    for (let round = 0; round < 2; round++) {
      const runs = (await thresholds.describe()).info.recentActions.length;
      await thresholds.trigger();
      const scanned = await nextRunResult<UsageThresholdScan>(USAGE_THRESHOLDS, runs);
      expect(scanned.status).toBe('completed');
      if (round === 0) expect(scanned.result.alertsFired).toBeGreaterThanOrEqual(1);
    }
    expect(await db.prisma.usageAlertFiring.count({ where: { alertId: alert.id } })).toBe(1);
    expect(await db.prisma.outboxEvent.count({ where: { tenantId: alerting.tenantId, type: 'usage.threshold_reached' } })).toBe(1);
  }, 120_000);
});

