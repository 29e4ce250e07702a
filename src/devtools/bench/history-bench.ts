import type { Client, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createPrice } from '../../billing/catalog/create-price.js';
import { createProduct } from '../../billing/catalog/create-product.js';
import { createCustomer } from '../../billing/customers/create-customer.js';
import { setDefaultPaymentMethod } from '../../billing/customers/set-default-payment-method.js';
import { createSubscription } from '../../billing/subscriptions/create-subscription.js';
import { TemporalSubscriptionWorkflows } from '../../temporal/temporal-subscription-workflows.js';
import { subscriptionWorkflowId } from '../../temporal/workflow-ids.js';
import { createTenantWithKey } from '../../tenancy/tenants.js';
import { startReaper } from '../process/reaper-client.js';
import { createSimulatorDatabase, startPayments, startTimeSkippingServer, startWorker } from '../simulator/infrastructure.js';
import { verdict } from './stats.js';

const CHECKPOINTS = [1, 12, 36];
const TARGET_EVENTS = 100;

/**
 * `npm run bench -- history`: the events in the current run of a subscription's workflow after 1,
 * 12 and 36 monthly periods (each period is its own run: the workflow continues as new at every
 * rollover), on the time-skipping test server with the real worker, activities, PostgreSQL and
 * Stripe sandbox (the simulator's set-up). Also the events of the run before, for the whole
 * period's work. Deterministic: no repetitions needed.
 */
export async function runHistoryBench(say: (line: string) => void): Promise<{ ok: boolean }> {
  // The worker's own INFO lines (state changes) would bury the figures.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const reaper = startReaper();
  const temporal = await startTimeSkippingServer(reaper, say);
  const database = await createSimulatorDatabase({ adminUrl: process.env.DATABASE_URL }, () => reaper, say);
  const payments = await startPayments(database.prisma, temporal.env.client, say, 1);
  const worker = await startWorker(temporal.env, database.prisma, payments.gateway);
  try {
    const { env } = temporal;
    const prisma = database.prisma;
    const { tenant } = await createTenantWithKey(prisma, { name: 'history bench', slug: `history-${Date.now()}`, keyName: 'bench' });
    const { productId } = await createProduct(prisma, { tenantId: tenant.id, name: 'Plan' });
    const { priceId } = await createPrice(prisma, { tenantId: tenant.id, productId, currency: 'USD', definition: { model: 'flat', currency: 'USD', amount: 2_000 }, interval: { unit: 'month', count: 1 } });
    const customer = await createCustomer(prisma, payments.gateway, { tenantId: tenant.id, currency: 'USD', email: 'history@example.com', name: null, taxJurisdiction: null });
    await setDefaultPaymentMethod(prisma, payments.gateway, { tenantId: tenant.id, customerId: customer.customerId, gatewayPaymentMethodId: 'pm_card_visa' });
    const start = Date.UTC(new Date(await env.currentTimeMs()).getUTCFullYear() + 1, 0, 1);
    const commands = { prisma, workflows: new TemporalSubscriptionWorkflows(env.client, worker.taskQueue), now: () => env.currentTimeMs() };
    const record = await createSubscription(commands, { tenantId: tenant.id, customerId: customer.customerId, items: [{ priceId, quantity: 1 }], startAt: start });
    const handle = env.client.workflow.getHandle(subscriptionWorkflowId(record.id));
    const rows: Array<{ periods: number; current: number; previous: number | null }> = [];
    for (const periods of CHECKPOINTS) {
      // Mid-month of period `periods`: its invoice is paid and the workflow waits for the next rollover.
      const at = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + periods - 1, 15);
      const now = await env.currentTimeMs();
      if (at > now) await env.sleep(at - now);
      await waitForPaid(prisma, record.id, periods);
      const history = await handle.fetchHistory();
      const current = history.events?.length ?? 0;
      const previousRun = await previousRunEvents(env.client, subscriptionWorkflowId(record.id), history);
      rows.push({ periods, current, previous: previousRun });
      say(`  after ${periods} period(s): ${current} events in the current run${previousRun === null ? '' : `, ${previousRun} in the run before`}`);
    }
    console.log(`\nhistory benchmark — one monthly subscription, time-skipping server, ${new Date().toISOString()}`);
    for (const row of rows) console.log(`  after ${String(row.periods).padStart(2)} periods: ${row.current} events in the current run${row.previous === null ? '' : ` (the previous run, a whole period: ${row.previous})`}`);
    const worst = Math.max(...rows.map((r) => Math.max(r.current, r.previous ?? 0)));
    console.log('');
    console.log(verdict('history per run after 36 periods', `${worst} events (largest run seen)`, `≤ ${TARGET_EVENTS}`, worst <= TARGET_EVENTS));
    console.log(JSON.stringify({ bench: 'history', rows }));
    return { ok: true };
  } finally {
    await worker.stop().catch(() => undefined);
    await payments.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    await temporal.stop().catch(() => undefined);
    reaper.close();
  }
}

async function waitForPaid(prisma: Parameters<typeof createSubscription>[0]['prisma'], subscriptionId: string, invoices: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await prisma.invoice.count({ where: { subscriptionId, status: 'paid' } })) < invoices) {
    if (Date.now() > deadline) throw new Error(`fewer than ${invoices} paid invoices after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Events of the run that continued as new into the current one (named in the current run's first event). */
async function previousRunEvents(client: Client, workflowId: string, current: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): Promise<number | null> {
  const previousRunId = current.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
  if (!previousRunId) return null;
  const history = await client.workflow.getHandle(workflowId, previousRunId).fetchHistory();
  return history.events?.length ?? 0;
}
