import { z } from 'zod';
import type { Db } from '../db.js';
import { moneyFromColumn } from '../amounts.js';
import { LATE_AFTER_MS, LIVE_STATUSES } from '../sweeps/sweep-subscriptions.js';
import type { SubscriptionWorkflows, WorkflowInspection } from '../subscriptions/subscription-workflows.js';
import { idSchema, parseInput } from '../validation.js';
import type { AttentionItemView, AttentionQueueView } from './views.js';

/** The statuses whose workflow must be running (the stuck-billing sweep's). */
const WORKFLOW_RUNS: readonly string[] = LIVE_STATUSES;
/** Of those, the ones whose renewal is due to happen: a paused subscription's workflow runs, but bills nothing. */
const RENEWING = LIVE_STATUSES.filter((status) => status !== 'paused' && status !== 'trialing');
/** How far back a `billing.attention_required` event makes its subscription a candidate: the workflow's answer says whether it still holds. */
const EVENT_LOOKBACK_MS = 7 * 24 * 3_600_000;
/** At most this many rows of each kind: the page is a work queue, not a report. */
const MAX_ROWS = 100;
/** Workflows asked at once for their standing and own view (each answer waits at most a second)… */
const QUERY_CONCURRENCY = 16;
/** …and at most this many per page, the oldest problems first, so a page answers within seconds even when Temporal does not. */
const MAX_INSPECTED = 48;

const input = z.object({ tenantId: idSchema, now: z.number().int() });

interface Candidate {
  subscriptionId: string | null;
  invoiceId: string | null;
  customerId: string;
  kind: AttentionItemView['kind'];
  reason: string;
  message: string;
  since: number;
  nextRetryAt: number | null;
  owed: { amount: number; currency: string } | null;
}

/**
 * What an operator should look at now, for one tenant, from the same records the invoices come
 * from plus each concerned workflow's own answer:
 * - `past_due`: a subscription whose renewal could not be collected (its invoice, the last
 *   decline, the next retry);
 * - `failing`: any other open invoice whose charge failed or that the gateway refused;
 * - `stuck`: a charge whose outcome is unknown past the reconcile window, a subscription whose
 *   row shows a billing time over an hour gone, or one whose workflow reports a failing step or a
 *   flag a scheduled job raised (`billing.attention_required` in the last week, still raised when
 *   the workflow is asked), or whose workflow is gone (terminated, failed, missing) or does not
 *   answer while its subscription is live.
 * Oldest first within each kind.
 */
export async function listAttentionItems(deps: { prisma: Db; workflows: Pick<SubscriptionWorkflows, 'inspect'> }, request: z.input<typeof input>): Promise<AttentionQueueView> {
  const { tenantId, now } = parseInput(input, request);
  const { prisma } = deps;
  const [settings, failingInvoices, pending, late, events] = await Promise.all([
    prisma.billingSettings.findUnique({ where: { tenantId }, select: { reconcileAfterMinutes: true } }),
    prisma.invoice.findMany({
      where: { tenantId, status: 'open', OR: [{ attemptCount: { gt: 0 } }, { attentionReason: { not: null } }] },
      include: { subscription: { select: { status: true } }, paymentAttempts: { where: { tenantId }, orderBy: { attemptNumber: 'desc' }, take: 1 } },
      orderBy: [{ finalizedAt: 'asc' }, { id: 'asc' }],
      take: MAX_ROWS,
    }),
    prisma.paymentAttempt.findMany({
      where: { tenantId, status: { in: ['pending', 'requires_action'] } },
      include: { invoice: { select: { customerId: true, subscriptionId: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: MAX_ROWS,
    }),
    prisma.subscription.findMany({
      where: {
        tenantId,
        OR: [
          { status: 'trialing', trialEnd: { lt: new Date(now - LATE_AFTER_MS) } },
          { status: { in: RENEWING }, currentPeriodEnd: { lt: new Date(now - LATE_AFTER_MS) } },
        ],
      },
      select: { id: true, customerId: true, status: true, trialEnd: true, currentPeriodEnd: true },
      orderBy: [{ currentPeriodEnd: 'asc' }, { id: 'asc' }],
      take: MAX_ROWS,
    }),
    prisma.outboxEvent.findMany({
      where: { tenantId, type: 'billing.attention_required', aggregateType: 'subscription', createdAt: { gte: new Date(now - EVENT_LOOKBACK_MS) } },
      select: { aggregateId: true, createdAt: true },
      orderBy: { seq: 'desc' },
      take: MAX_ROWS,
    }),
  ]);

  const candidates: Candidate[] = [];
  for (const invoice of failingInvoices) {
    const last = invoice.paymentAttempts[0];
    const pastDue = invoice.subscription?.status === 'past_due' || invoice.subscription?.status === 'unpaid';
    const declined = last === undefined ? null : [last.declineCode ?? last.failureCode, last.failureMessage].filter((part) => part !== null && part !== '').join(': ');
    candidates.push({
      subscriptionId: invoice.subscriptionId,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
      kind: pastDue ? 'past_due' : 'failing',
      reason: invoice.attentionReason ?? (last?.hardDecline ? 'hard_decline' : 'payment_failed'),
      message: invoice.attentionMessage ?? (declined || `${invoice.attemptCount} failed attempt${invoice.attemptCount === 1 ? '' : 's'}`),
      // Open (and so owed) since it was finalized; a refusal since the gateway refused it.
      since: (invoice.attentionSince ?? invoice.finalizedAt ?? invoice.createdAt).getTime(),
      nextRetryAt: invoice.nextPaymentAttemptAt?.getTime() ?? null,
      owed: { amount: moneyFromColumn(invoice.amountDue - invoice.amountPaid, invoice.currency).amount, currency: invoice.currency.toUpperCase() },
    });
  }
  const reconcileAfterMs = (settings?.reconcileAfterMinutes ?? 15) * 60_000;
  for (const attempt of pending) {
    if (attempt.createdAt.getTime() > now - reconcileAfterMs) continue;
    candidates.push({
      subscriptionId: attempt.invoice.subscriptionId,
      invoiceId: attempt.invoiceId,
      customerId: attempt.invoice.customerId,
      kind: 'stuck',
      reason: attempt.status === 'pending' ? 'payment_outcome_unknown' : 'awaiting_customer_action',
      message:
        attempt.status === 'pending'
          ? `attempt ${attempt.attemptNumber} was sent to the gateway and its outcome never recorded; the hourly reconciliation looks it up`
          : `attempt ${attempt.attemptNumber} waits for the customer to authenticate (3-D Secure)`,
      since: attempt.createdAt.getTime(),
      nextRetryAt: null,
      owed: { amount: moneyFromColumn(attempt.amount, attempt.currency).amount, currency: attempt.currency.toUpperCase() },
    });
  }
  for (const row of late) {
    const dueAt = (row.status === 'trialing' ? row.trialEnd : row.currentPeriodEnd)!;
    candidates.push({
      subscriptionId: row.id,
      invoiceId: null,
      customerId: row.customerId,
      kind: 'stuck',
      reason: 'billing_late',
      message: `the ${row.status === 'trialing' ? 'trial end' : 'renewal'} due ${dueAt.toISOString()} has not happened`,
      since: dueAt.getTime(),
      nextRetryAt: null,
      owed: null,
    });
  }

  // Ask each concerned workflow what it says now: whether it runs at all, its attention (a failing step, a flag) and its next retry.
  const concerned = [...new Set([...candidates.map((c) => c.subscriptionId), ...events.map((event) => event.aggregateId)].filter((id): id is string => id !== null))].slice(0, MAX_INSPECTED);
  const inspections = await inspectWorkflows(deps.workflows, concerned);
  const rows = await prisma.subscription.findMany({ where: { tenantId, id: { in: concerned } }, select: { id: true, customerId: true, status: true } });
  for (const subscription of rows) {
    const inspection = inspections.get(subscription.id);
    if (inspection === undefined || !WORKFLOW_RUNS.includes(subscription.status)) continue;
    const base = { subscriptionId: subscription.id, customerId: subscription.customerId, kind: 'stuck' as const, owed: null };
    if (inspection.workflow !== 'running' && inspection.workflow !== 'unknown') {
      // Nothing bills a subscription whose workflow is gone; its missed renewal is this same problem.
      const late = candidates.find((c) => c.subscriptionId === subscription.id && c.reason === 'billing_late');
      const gone = inspection.workflow === 'missing' ? 'is missing' : `has ${inspection.workflow.replace('_', ' ')}`;
      const candidate = {
        ...base,
        invoiceId: null,
        reason: `workflow_${inspection.workflow}`,
        message: `the workflow ${gone} while the subscription is ${subscription.status}${late ? `, and ${late.message}` : ''}; ${
          inspection.workflow === 'completed' || inspection.workflow === 'continued_as_new' ? 'the two disagree on whether it ended: an operator decides' : 'the stuck-billing sweep starts it again from the database'
        }`,
        since: late?.since ?? now,
        nextRetryAt: null,
      };
      if (late) Object.assign(late, candidate);
      else candidates.push(candidate);
    } else if (inspection.live === null) {
      candidates.push({ ...base, invoiceId: null, reason: 'not_answering', message: 'the workflow did not answer within a second', since: now, nextRetryAt: null });
    } else if (inspection.live.attention !== null && inspection.live.attention.reason !== 'gateway_rejected') {
      // A gateway rejection is already listed with its invoice.
      const { attention } = inspection.live;
      candidates.push({ ...base, invoiceId: attention.invoiceId, reason: attention.reason, message: attention.message, since: Date.parse(attention.since), nextRetryAt: attention.retryAt === null ? null : Date.parse(attention.retryAt) });
    }
  }
  // The sweep's billing_late flag and the row's own lateness are one problem.
  const seen = new Set<string>();
  const unique = candidates.filter((c) => {
    const key = `${c.subscriptionId ?? ''}|${c.invoiceId ?? ''}|${c.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  const customers = await prisma.customer.findMany({ where: { tenantId, id: { in: [...new Set(unique.map((c) => c.customerId))] } }, select: { id: true, name: true, email: true } });
  const names = new Map(customers.map((customer) => [customer.id, customer.name ?? customer.email ?? customer.id]));
  const items = unique.map((candidate): AttentionItemView => {
    const inspection = candidate.subscriptionId === null ? undefined : inspections.get(candidate.subscriptionId);
    // A closed workflow still answers with its last state: only a running one says what comes next.
    const answer = inspection?.workflow === 'running' ? inspection.live : null;
    const collection = answer?.collections.find((c) => c.invoiceId === candidate.invoiceId);
    const nextRetryAt = candidate.nextRetryAt ?? (collection?.nextRetryAt ? Date.parse(collection.nextRetryAt) : null);
    return {
      kind: candidate.kind,
      reason: candidate.reason,
      message: candidate.message,
      since: new Date(candidate.since).toISOString(),
      subscriptionId: candidate.subscriptionId,
      invoiceId: candidate.invoiceId,
      customerId: candidate.customerId,
      customerName: names.get(candidate.customerId) ?? candidate.customerId,
      nextRetryAt: nextRetryAt === null ? null : new Date(nextRetryAt).toISOString(),
      nextAction: answer ? { kind: answer.nextAction.kind, at: answer.nextAction.at } : null,
      owed: candidate.owed,
    };
  });
  const order = { past_due: 0, failing: 1, stuck: 2 } as const;
  items.sort((a, b) => order[a.kind] - order[b.kind] || a.since.localeCompare(b.since));
  return { object: 'attention_queue', asOf: new Date(now).toISOString(), items };
}

/** Each workflow's standing and own view, a few at a time. */
async function inspectWorkflows(workflows: Pick<SubscriptionWorkflows, 'inspect'>, subscriptionIds: readonly string[]): Promise<Map<string, WorkflowInspection>> {
  const inspections = new Map<string, WorkflowInspection>();
  for (let start = 0; start < subscriptionIds.length; start += QUERY_CONCURRENCY) {
    const slice = subscriptionIds.slice(start, start + QUERY_CONCURRENCY);
    const results = await Promise.all(slice.map((id) => workflows.inspect(id)));
    slice.forEach((id, index) => inspections.set(id, results[index]!));
  }
  return inspections;
}
