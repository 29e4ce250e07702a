import type { PrismaClient } from '../../db/prisma-client.js';
import type { AttentionFlag } from '../../../workflows/subscription-messages.js';
import { runInTransaction } from '../db.js';
import type { SubscriptionWorkflowProbe, WorkflowStanding } from '../jobs/subscription-workflow-probe.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';

/** What the sweep found wrong with one subscription, and what it did. */
export interface SweepFinding {
  subscriptionId: string;
  tenantId: string;
  problem: 'workflow_missing' | 'workflow_closed' | 'status_mismatch' | 'billing_late' | 'not_answering';
  /** The workflow's standing when found (describe). */
  standing: WorkflowStanding['state'];
  action: 'restarted' | 'flagged' | 'reported';
}

/** Statuses whose workflow must be running. */
export const LIVE_STATUSES = ['incomplete', 'trialing', 'active', 'past_due', 'paused', 'unpaid'] as const;
/** A subscription created within this window may not be visible yet: it is left for the next sweep. */
export const SETTLING_MS = 2 * 60_000;
/** A renewal (or trial end) this far in the past that the row still shows has been missed. */
export const LATE_AFTER_MS = 60 * 60_000;

/**
 * One page of live subscriptions (in id order, after `afterId`) checked against their workflows.
 * A workflow that is gone (never started, terminated, failed, timed out) is started again from
 * the database, flagged `workflow_restarted` — safe, because the workflow resumes from the row
 * and every step it repeats is idempotent. One that completed although the row is live is only
 * reported (the two disagree on whether the subscription ended: an operator decides). A running
 * one whose row shows a renewal long missed is queried: flagged `billing_late`, or
 * `not_answering` when the query times out. Each finding writes one `billing.attention_required`
 * event per subscription, problem and day.
 */
export async function sweepSubscriptions(
  deps: { prisma: PrismaClient; probe: SubscriptionWorkflowProbe },
  input: { now: Date; afterId: string | null; limit: number },
): Promise<{ checked: number; findings: SweepFinding[]; nextCursor: string | null }> {
  const rows = await deps.prisma.subscription.findMany({
    where: { status: { in: [...LIVE_STATUSES] }, createdAt: { lt: new Date(input.now.getTime() - SETTLING_MS) }, ...(input.afterId ? { id: { gt: input.afterId } } : {}) },
    select: { id: true, tenantId: true, status: true, currentPeriodEnd: true, trialEnd: true },
    orderBy: { id: 'asc' },
    take: input.limit,
  });
  if (rows.length === 0) return { checked: 0, findings: [], nextCursor: null };
  const running = await deps.probe.runningSubscriptionIds(rows.map((row) => row.id));
  const findings: SweepFinding[] = [];
  const lateBefore = input.now.getTime() - LATE_AFTER_MS;
  for (const row of rows) {
    const dueAt = row.status === 'trialing' ? row.trialEnd : row.status === 'paused' ? null : row.currentPeriodEnd;
    const late = dueAt !== null && dueAt.getTime() < lateBefore;
    if (running.has(row.id) && !late) continue;
    // Visibility may trail: the exact standing decides.
    const standing = await deps.probe.standing(row.id, { query: late });
    const finding = await actOn(deps, row, standing, late, input.now);
    if (finding) findings.push(finding);
  }
  return { checked: rows.length, findings, nextCursor: rows.length < input.limit ? null : rows.at(-1)!.id };
}

async function actOn(
  deps: { prisma: PrismaClient; probe: SubscriptionWorkflowProbe },
  row: { id: string; tenantId: string; status: string },
  standing: WorkflowStanding,
  late: boolean,
  now: Date,
): Promise<SweepFinding | null> {
  const base = { subscriptionId: row.id, tenantId: row.tenantId, standing: standing.state };
  let finding: SweepFinding;
  if (standing.state === 'running') {
    if (standing.answers && !late) return null;
    const problem = standing.answers ? 'billing_late' : 'not_answering';
    const flag: AttentionFlag = {
      reason: problem,
      message: problem === 'billing_late' ? 'the subscription row shows a billing time long past' : 'the workflow did not answer its query in time',
    };
    await deps.probe.flag(row.id, flag);
    finding = { ...base, problem, action: 'flagged' };
  } else if (standing.state === 'completed' || standing.state === 'continued_as_new') {
    finding = { ...base, problem: 'status_mismatch', action: 'reported' };
  } else {
    const problem = standing.state === 'missing' ? 'workflow_missing' : 'workflow_closed';
    const message = standing.state === 'missing' ? 'the workflow was missing; started again from the database' : `the workflow had ${standing.state.replace('_', ' ')}; started again from the database`;
    await deps.probe.restart({ tenantId: row.tenantId, subscriptionId: row.id, flags: [{ reason: 'workflow_restarted', message }] });
    finding = { ...base, problem, action: 'restarted' };
  }
  const day = now.toISOString().slice(0, 10);
  await runInTransaction(deps.prisma, (tx) =>
    writeOutboxEvents(tx, row.tenantId, [
      {
        type: 'billing.attention_required',
        aggregateType: 'subscription',
        aggregateId: row.id,
        dedupeKey: `sweep:${row.id}:${finding.problem}:${day}`,
        payload: { subscriptionId: row.id, reason: finding.problem, workflow: finding.standing, action: finding.action, status: row.status },
      },
    ]),
  );
  return finding;
}
