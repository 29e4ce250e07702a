import { Client, Connection } from '@temporalio/client';
import type pg from 'pg';
import { getStateQuery } from '../../../workflows/subscription-messages.js';

/**
 * What must hold after any fault, counted twice and independently: from the gateway's ledger
 * (the sandbox's record of every charge) and from PostgreSQL, then compared with each
 * subscription's workflow.
 */
export interface InvariantReport {
  subscriptions: number;
  paidInvoices: number;
  /** Paid invoices without exactly one successful charge of their amount at the gateway. */
  paidWithoutOneCharge: string[];
  /** Invoices not paid that were charged successfully anyway. */
  chargedButUnpaid: string[];
  /** Successful charges whose invoice does not exist in PostgreSQL. */
  orphanCharges: string[];
  /** (subscription, period) pairs with more than one recurring invoice. */
  duplicatePeriods: string[];
  /** Subscriptions whose row status differs from their workflow's. */
  statusMismatches: string[];
  /** Workflows not running or completed (failed, terminated, timed out), or asking for an operator. */
  unhealthyWorkflows: string[];
  /** How long the rows took to agree with their workflows once every invoice was paid (they trail by one write). */
  statusSettleMs: number;
  ok: boolean;
}

const STATUS_SETTLE_MS = 30_000;

/**
 * Rows against workflows. A row follows its workflow by one write (a paid invoice's charge and
 * the status it unlocks are written in consecutive steps), so differences are compared again for
 * a while before they count; unhealthy workflows are those of the first, full pass.
 */
async function settledStatuses(db: pg.Pool, client: Client, tenantId: string, subscriptionIds: readonly string[]) {
  const began = Date.now();
  const first = await compareStatuses(db, client, tenantId, subscriptionIds);
  let { statusMismatches } = first;
  while (statusMismatches.length > 0 && Date.now() < began + STATUS_SETTLE_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    statusMismatches = (await compareStatuses(db, client, tenantId, statusMismatches.map((m) => m.slice(0, m.indexOf(':'))))).statusMismatches;
  }
  if (first.rowCount !== subscriptionIds.length) statusMismatches.push(`${subscriptionIds.length - first.rowCount} subscriptions have no row`);
  return { statusMismatches, unhealthyWorkflows: first.unhealthyWorkflows, statusSettleMs: Date.now() - began };
}

async function compareStatuses(db: pg.Pool, client: Client, tenantId: string, ids: readonly string[]): Promise<{ statusMismatches: string[]; unhealthyWorkflows: string[]; rowCount: number }> {
  const { rows } = await db.query<{ id: string; status: string }>('SELECT id, status FROM subscriptions WHERE tenant_id = $1 AND id = ANY($2::text[])', [tenantId, ids]);
  const statusMismatches: string[] = [];
  const unhealthyWorkflows: string[] = [];
  const pending = [...rows];
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let row = pending.shift(); row !== undefined; row = pending.shift()) {
        const handle = client.workflow.getHandle(`subscription:${row.id}`);
        const status = (await handle.describe()).status.name;
        if (status !== 'RUNNING' && status !== 'COMPLETED') {
          unhealthyWorkflows.push(`${row.id}: ${status}`);
          continue;
        }
        if (status === 'COMPLETED') continue;
        const live = await handle.query(getStateQuery);
        if (live.status !== row.status) statusMismatches.push(`${row.id}: database ${row.status}, workflow ${live.status}`);
        if (live.attention !== null) unhealthyWorkflows.push(`${row.id}: attention ${live.attention.reason}`);
      }
    }),
  );
  return { statusMismatches, unhealthyWorkflows, rowCount: rows.length };
}

interface LedgerCharge {
  id: string;
  status: string;
  amount: number;
  metadata?: Record<string, string>;
}

export async function checkInvariants(input: { db: pg.Pool; tenantId: string; sandboxUrl: string; temporalAddress: string; subscriptionIds: readonly string[] }): Promise<InvariantReport> {
  const { db, tenantId, subscriptionIds } = input;
  const ledger = (await (await fetch(`${input.sandboxUrl}/_sandbox/ledger`)).json()) as LedgerCharge[];
  const { rows: invoices } = await db.query<{ id: string; subscription_id: string; status: string; amount_paid: string; kind: string; period_index: number | null; period_start: Date | null }>(
    'SELECT id, subscription_id, status, amount_paid, kind, period_index, period_start FROM invoices WHERE tenant_id = $1 AND subscription_id = ANY($2::text[])',
    [tenantId, subscriptionIds],
  );
  const chargesByInvoice = new Map<string, LedgerCharge[]>();
  for (const charge of ledger) {
    const invoiceId = charge.metadata?.invoice_id;
    if (charge.status !== 'succeeded' || invoiceId === undefined) continue;
    chargesByInvoice.set(invoiceId, [...(chargesByInvoice.get(invoiceId) ?? []), charge]);
  }
  const known = new Set(invoices.map((i) => i.id));
  const subscriptionsOfCharges = new Set(subscriptionIds);
  const paid = invoices.filter((i) => i.status === 'paid');
  const paidWithoutOneCharge = paid
    .filter((i) => {
      const charges = chargesByInvoice.get(i.id) ?? [];
      // A $0 invoice is paid without a charge.
      return Number(i.amount_paid) === 0 ? charges.length !== 0 : charges.length !== 1 || charges[0]!.amount !== Number(i.amount_paid);
    })
    .map((i) => i.id);
  const chargedButUnpaid = invoices.filter((i) => i.status !== 'paid' && chargesByInvoice.has(i.id)).map((i) => i.id);
  const orphanCharges = ledger
    .filter((c) => c.status === 'succeeded' && c.metadata?.invoice_id !== undefined && subscriptionsOfCharges.has(c.metadata.subscription_id ?? '') && !known.has(c.metadata.invoice_id))
    .map((c) => c.id);
  const periods = new Map<string, number>();
  for (const i of invoices.filter((i) => i.kind === 'recurring')) {
    const key = `${i.subscription_id}:${i.period_index}:${i.period_start?.toISOString()}`;
    periods.set(key, (periods.get(key) ?? 0) + 1);
  }
  const duplicatePeriods = [...periods].filter(([, n]) => n > 1).map(([key]) => key);

  const connection = await Connection.connect({ address: input.temporalAddress });
  const { statusMismatches, unhealthyWorkflows, statusSettleMs } = await settledStatuses(db, new Client({ connection }), tenantId, subscriptionIds).finally(() => connection.close());
  const report = { subscriptions: subscriptionIds.length, paidInvoices: paid.length, paidWithoutOneCharge, chargedButUnpaid, orphanCharges, duplicatePeriods, statusMismatches, unhealthyWorkflows, statusSettleMs };
  return { ...report, ok: [paidWithoutOneCharge, chargedButUnpaid, orphanCharges, duplicatePeriods, statusMismatches, unhealthyWorkflows].every((list) => list.length === 0) };
}
