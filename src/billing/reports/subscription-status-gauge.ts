import type { PrismaClient } from '../../db/prisma-client.js';
import { SubscriptionStatus } from '../../generated/prisma/enums.js';
import { subscriptionsByStatus } from '../../observability/metrics.js';

/** Subscriptions per status, across tenants (one indexed GROUP BY). */
export async function countSubscriptionsByStatus(prisma: PrismaClient): Promise<Record<string, number>> {
  const rows = await prisma.subscription.groupBy({ by: ['status'], _count: { _all: true } });
  const counts: Record<string, number> = Object.fromEntries(Object.values(SubscriptionStatus).map((status) => [status, 0]));
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}

/**
 * Keeps `billing_subscriptions{status}` current by reading the database every `intervalMs`, off
 * the scrape path: a scrape never waits on PostgreSQL, and any number of scrapers cost one query
 * per interval. A failed read keeps the last numbers.
 */
export function refreshSubscriptionStatusGauge(prisma: PrismaClient, intervalMs = 15_000): { refresh: () => Promise<void>; stop: () => void } {
  const refresh = async (): Promise<void> => {
    const counts = await countSubscriptionsByStatus(prisma).catch(() => undefined);
    if (counts === undefined) return;
    for (const [status, count] of Object.entries(counts)) subscriptionsByStatus.set({ status }, count);
  };
  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
