import type { PrismaClient } from '../../db/prisma-client.js';
import { ENTITLED_STATUSES } from '../entitlements/load-entitlements.js';
import type { SubscriptionWorkflowProbe } from '../jobs/subscription-workflow-probe.js';
import { evaluateUsageAlerts } from './evaluate-usage-alerts.js';

export interface UsageThresholdScan {
  alertsFired: number;
  spendThresholdsChecked: number;
  /** Subscriptions with a spend threshold whose workflow was not running to be asked. */
  notRunning: number;
}

const PAGE = 500;

/**
 * The backstop behind ingestion's own follow-up: every usage alert of a live subscription is
 * evaluated (a threshold reached and not yet fired in its period fires now), and every live
 * subscription with a spend threshold has its workflow asked to check it. Both are idempotent,
 * so a run that repeats what ingestion did changes nothing.
 */
export async function scanUsageThresholds(deps: { prisma: PrismaClient; probe: SubscriptionWorkflowProbe }, input: { now: number }): Promise<UsageThresholdScan> {
  const fired = await evaluateUsageAlerts(deps.prisma, { now: input.now });
  let checked = 0;
  let notRunning = 0;
  let after: string | undefined;
  for (;;) {
    const page = await deps.prisma.subscription.findMany({
      where: { spendThreshold: { not: null }, status: { in: [...ENTITLED_STATUSES] }, ...(after === undefined ? {} : { id: { gt: after } }) },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    for (const { id } of page) {
      if (await deps.probe.usageAccrued(id)) checked += 1;
      else notRunning += 1;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  return { alertsFired: fired.length, spendThresholdsChecked: checked, notRunning };
}
