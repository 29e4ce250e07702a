import type { PrismaClient } from '../../db/prisma-client.js';
import { ENTITLED_STATUSES } from '../entitlements/load-entitlements.js';
import type { SubscriptionWorkflows } from '../subscriptions/subscription-workflows.js';
import { evaluateUsageAlerts } from '../usage-alerts/evaluate-usage-alerts.js';

/**
 * What follows stored usage, right after it is committed and before the ingest answers: the
 * customers' usage alerts are evaluated (a threshold crossed fires now), and the workflows of
 * their subscriptions with a spend threshold are told to check it — at most once per
 * `signalIntervalMs` per subscription, with one trailing signal for usage that arrived meanwhile,
 * so a stream of single events does not become a stream of workflow tasks. The usage-thresholds
 * schedule evaluates both again every few minutes, so nothing depends on this running: a
 * failure here is reported and the ingest still succeeds.
 */
export class UsageFollowUp {
  private readonly lastSignal = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly workflows: SubscriptionWorkflows,
    private readonly options: { signalIntervalMs?: number; tenantCacheMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /**
   * Whether the tenant has any usage alert or spend threshold at all, remembered for
   * `tenantCacheMs` (default 1 s): most tenants have none, and a stream of single events then
   * costs no query each. Creating an alert or a threshold through this process calls `invalidate`.
   */
  private readonly tenants = new Map<string, { has: boolean; at: number }>();

  invalidate(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  private async tenantHasFollowUps(tenantId: string): Promise<boolean> {
    const ttl = this.options.tenantCacheMs ?? 1_000;
    const known = this.tenants.get(tenantId);
    if (known !== undefined && Date.now() - known.at < ttl) return known.has;
    const [row] = await this.prisma.$queryRaw<Array<{ has: boolean }>>`
      SELECT EXISTS (SELECT 1 FROM usage_alerts WHERE tenant_id = ${tenantId})
          OR EXISTS (SELECT 1 FROM subscriptions WHERE tenant_id = ${tenantId} AND spend_threshold IS NOT NULL) AS has`;
    const has = row?.has === true;
    this.tenants.set(tenantId, { has, at: Date.now() });
    if (this.tenants.size > 10_000) this.tenants.delete(this.tenants.keys().next().value!);
    return has;
  }

  async afterIngest(tenantId: string, customerIds: readonly string[], now: number): Promise<void> {
    if (customerIds.length === 0) return;
    try {
      if (!(await this.tenantHasFollowUps(tenantId))) return;
      const subscriptions = await this.prisma.subscription.findMany({
        where: { tenantId, customerId: { in: [...new Set(customerIds)] }, status: { in: [...ENTITLED_STATUSES] }, OR: [{ spendThreshold: { not: null } }, { usageAlerts: { some: {} } }] },
        select: { id: true, customerId: true, spendThreshold: true, _count: { select: { usageAlerts: true } } },
      });
      if (subscriptions.length === 0) return;
      const alerting = subscriptions.filter((s) => s._count.usageAlerts > 0).map((s) => s.customerId);
      if (alerting.length > 0) await evaluateUsageAlerts(this.prisma, { tenantId, customerIds: alerting, now });
      const thresholded = subscriptions.filter((s) => s.spendThreshold !== null).map((s) => s.id);
      if (thresholded.length > 0) await this.signal(thresholded);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** Stops the trailing signals (a process shutting down; the schedule covers what they would have said). */
  close(): void {
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
  }

  private async signal(subscriptionIds: readonly string[]): Promise<void> {
    const interval = this.options.signalIntervalMs ?? 2_000;
    const now = Date.now();
    const due: string[] = [];
    for (const id of subscriptionIds) {
      const last = this.lastSignal.get(id);
      if (last === undefined || now - last >= interval) {
        this.lastSignal.set(id, now);
        due.push(id);
      } else if (!this.trailing.has(id)) {
        const timer = setTimeout(() => {
          this.trailing.delete(id);
          this.lastSignal.set(id, Date.now());
          this.workflows.usageAccrued([id]).catch((error: unknown) => this.options.onError?.(error));
        }, interval - (now - last));
        timer.unref();
        this.trailing.set(id, timer);
      }
    }
    if (this.lastSignal.size > 100_000) for (const [id, at] of this.lastSignal) if (now - at >= interval) this.lastSignal.delete(id);
    if (due.length > 0) await this.workflows.usageAccrued(due);
  }
}
