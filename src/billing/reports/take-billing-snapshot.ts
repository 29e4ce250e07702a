import type { PrismaClient } from '../../db/prisma-client.js';

/** Tenants whose daily snapshot is taken at `hourUtc` (their billing_settings.snapshot_hour_utc; 0 without settings). */
export async function tenantsDueForSnapshot(prisma: PrismaClient, hourUtc: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    SELECT t.id FROM tenants t LEFT JOIN billing_settings s ON s.tenant_id = t.id
     WHERE COALESCE(s.snapshot_hour_utc, 0) = ${hourUtc} ORDER BY t.id`;
  return rows.map((row) => row.id);
}

export interface BillingSnapshotRow {
  currency: string;
  subscriptionsByStatus: Record<string, number>;
  openInvoices: number;
  /** Open invoices whose collection has failed at least once (in dunning, or waiting for an operator). */
  overdueInvoices: number;
  /** What open invoices still owe, minor units. */
  amountDue: number;
  /** What the overdue ones owe. */
  pastDueAmount: number;
}

/**
 * The tenant's billing as it stands, per currency, stored as the snapshot of `date` (a UTC day,
 * `YYYY-MM-DD`). The first snapshot of a day stands: taking it again (a retried or backfilled run)
 * changes nothing and returns what was stored.
 */
export async function takeBillingSnapshot(prisma: PrismaClient, input: { tenantId: string; date: string; now: Date }): Promise<{ taken: boolean; rows: BillingSnapshotRow[] }> {
  const snapshotDate = new Date(`${input.date}T00:00:00.000Z`);
  const existing = await prisma.billingSnapshot.findMany({ where: { tenantId: input.tenantId, snapshotDate }, orderBy: { currency: 'asc' } });
  if (existing.length > 0) {
    return {
      taken: false,
      rows: existing.map((row) => ({
        currency: row.currency,
        subscriptionsByStatus: row.subscriptionsByStatus as Record<string, number>,
        openInvoices: row.openInvoices,
        overdueInvoices: row.overdueInvoices,
        amountDue: Number(row.amountDue),
        pastDueAmount: Number(row.pastDueAmount),
      })),
    };
  }
  const [subscriptions, invoices] = await Promise.all([
    prisma.subscription.groupBy({ by: ['currency', 'status'], where: { tenantId: input.tenantId }, _count: { _all: true } }),
    prisma.$queryRaw<Array<{ currency: string; open: bigint; overdue: bigint; due: bigint | null; past_due: bigint | null }>>`
      SELECT currency, count(*) AS open, count(*) FILTER (WHERE attempt_count > 0) AS overdue,
             sum(amount_due - amount_paid) AS due, sum(amount_due - amount_paid) FILTER (WHERE attempt_count > 0) AS past_due
        FROM invoices WHERE tenant_id = ${input.tenantId} AND status = 'open' GROUP BY currency`,
  ]);
  const currencies = [...new Set([...subscriptions.map((s) => s.currency), ...invoices.map((i) => i.currency)])].sort();
  const rows: BillingSnapshotRow[] = currencies.map((currency) => {
    const invoice = invoices.find((i) => i.currency === currency);
    return {
      currency,
      subscriptionsByStatus: Object.fromEntries(subscriptions.filter((s) => s.currency === currency).map((s) => [s.status, s._count._all])),
      openInvoices: Number(invoice?.open ?? 0),
      overdueInvoices: Number(invoice?.overdue ?? 0),
      amountDue: Number(invoice?.due ?? 0),
      pastDueAmount: Number(invoice?.past_due ?? 0),
    };
  });
  const { count } = await prisma.billingSnapshot.createMany({
    data: rows.map((row) => ({ tenantId: input.tenantId, snapshotDate, ...row, amountDue: BigInt(row.amountDue), pastDueAmount: BigInt(row.pastDueAmount), takenAt: input.now })),
    skipDuplicates: true,
  });
  return { taken: count > 0 || rows.length === 0, rows };
}
