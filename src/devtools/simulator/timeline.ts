import type { PrismaClient } from '../../db/prisma-client.js';
import type { SubscriptionView } from '../../../workflows/subscription-messages.js';
import { timelineAnalytics, type TimelineAnalytics } from './timeline-analytics.js';

/**
 * The simulator's output. Every time is the SIMULATED time (the billing clock: the workflow's
 * time, or the time the server scheduled the activity that wrote a row), ISO 8601 UTC. Every
 * amount is an integer in the minor units of `currency` (cents for USD).
 */
export interface Timeline {
  scenario: string;
  subscriptionId: string;
  currency: string;
  events: TimelineEvent[];
  invoices: TimelineInvoice[];
  payments: TimelinePayment[];
  /** Credit notes of the subscription's invoices, in number order. */
  creditNotes: TimelineCreditNote[];
  /** The customer's credit-balance ledger (positive: credit granted; negative: credit used). */
  creditBalance: { balance: number; transactions: Array<{ amount: number; reason: string; invoice: string | null }> };
  /** The workflow's `getState` view at `until`; price ids are the scenario's own ids. */
  final: SubscriptionView | null;
  /** MRR, movements, receivables and recognised/deferred revenue per month of the scenario (the API's analytics). */
  analytics: TimelineAnalytics;
}

export type TimelineEvent =
  | { at: string; type: 'status_change'; from: string; to: string; action: string; details?: Record<string, unknown> }
  | { at: string; type: 'invoice_finalized'; number: string; kind: string; total: number; amountDue: number }
  | { at: string; type: 'payment_attempt'; invoice: string | null; attempt: number; status: string; amount: number; declineCode: string | null }
  | { at: string; type: 'action'; index: number; action: string; result?: unknown; error?: ActionError }
  | { at: string; type: 'credit_note'; number: string; invoice: string | null; outcome: string; total: number }
  | { at: string; type: 'refund'; creditNote: string; invoice: string | null; amount: number; status: string }
  | { at: string; type: 'usage_alert'; alert: string | null; meter: string; threshold: string; thresholdQuantity: string; usage: string; periodStart: string };

export interface TimelineCreditNote {
  number: string;
  invoice: string | null;
  reason: string;
  outcome: string;
  lines: Array<{ description: string; quantity: number | null; amount: number }>;
  subtotal: number;
  adjustment: number;
  total: number;
  refund: { status: string; refundedAt: string | null } | null;
  createdAt: string;
}

export interface ActionError {
  type: string;
  message: string;
}

export interface TimelineInvoiceLine {
  kind: string;
  description: string;
  /** Items: the quantity; usage lines: the aggregated quantity as a decimal string (an adjustment: the quantity added). */
  quantity: number | string | null;
  /** Usage lines only: the meter's key. */
  meter?: string;
  /** Usage lines only: the unit amount in minor units as a decimal string (null where the price has no single one, e.g. tiers). */
  unitAmount?: string | null;
  amount: number;
  periodStart: string | null;
  periodEnd: string | null;
}

export interface TimelineInvoice {
  id: string;
  number: string | null;
  status: string;
  kind: string;
  periodStart: string | null;
  periodEnd: string | null;
  lines: TimelineInvoiceLine[];
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
  creditApplied: number;
  amountDue: number;
  amountPaid: number;
  amountCredited: number;
  amountRefunded: number;
  attemptCount: number;
  createdAt: string;
  finalizedAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  markedUncollectibleAt: string | null;
}

export interface TimelinePayment {
  invoice: string | null;
  attempt: number;
  status: string;
  amount: number;
  declineCode: string | null;
  failureCode: string | null;
  hardDecline: boolean;
  paymentIntentId: string | null;
  /** When the outcome was known (for an attempt still waiting on the customer: when it was made). */
  at: string | null;
}

/** An action the simulator performed, as it goes into the timeline. */
export interface ActionRecord {
  index: number;
  at: number;
  /** Real time the action started, to order it among events of the same simulated instant. */
  seq: number;
  action: string;
  result?: unknown;
  error?: ActionError;
}

export interface TimelineContext {
  scenario: string;
  tenantId: string;
  customerId: string;
  subscriptionId: string;
  currency: string;
  initialStatus: string;
  actions: readonly ActionRecord[];
  final: SubscriptionView | null;
  /** The scenario's start and `until`, epoch ms: the analytics' range. */
  start: number;
  until: number;
  /** Database price id → the scenario's id. */
  priceNames: ReadonlyMap<string, string>;
  /** Database meter id → the scenario's meter key. */
  meterKeys?: ReadonlyMap<string, string>;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());
const num = (value: bigint): number => Number(value);

/** Replaces database price ids by the scenario's names wherever a `priceId` field holds one. */
export function withPriceNames<T>(value: T, names: ReadonlyMap<string, string>): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      out[key] = key === 'priceId' && typeof child === 'string' ? (names.get(child) ?? child) : walk(child);
    }
    return out;
  };
  return walk(value) as T;
}

/** Instants the workflow records as epoch ms (`nextRetryAt`, `at`…) shown as ISO strings. */
function readableDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    out[key] = (key === 'at' || key.endsWith('At')) && typeof value === 'number' && Number.isFinite(value) ? new Date(value).toISOString() : value;
  }
  return out;
}

interface Sortable {
  at: number;
  seq: number;
  event: TimelineEvent;
}

function versionOf(dedupeKey: string): number {
  const match = /:v(\d+)$/.exec(dedupeKey);
  return match ? Number(match[1]) : 0;
}

/** `at` of a subscription.updated payload: the workflow's time (ISO), or epoch ms if a detail overrode it. */
function payloadTime(payload: Record<string, unknown>, fallback: Date): number {
  const at = payload.at;
  if (typeof at === 'string' && !Number.isNaN(Date.parse(at))) return Date.parse(at);
  if (typeof at === 'number') return at;
  return fallback.getTime();
}

/** Reads everything the run wrote for the subscription and lays it out in simulated time. */
export async function buildTimeline(prisma: PrismaClient, context: TimelineContext): Promise<Timeline> {
  const { tenantId, subscriptionId } = context;
  const [invoiceRows, outboxRows, creditRows, noteRows] = await Promise.all([
    prisma.invoice.findMany({
      where: { tenantId, subscriptionId },
      include: { lines: { orderBy: { position: 'asc' } }, paymentAttempts: { orderBy: { attemptNumber: 'asc' } } },
    }),
    prisma.outboxEvent.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    prisma.creditBalanceTransaction.findMany({ where: { tenantId, customerId: context.customerId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    prisma.creditNote.findMany({ where: { tenantId, invoice: { subscriptionId } }, include: { lines: { orderBy: { position: 'asc' } } }, orderBy: { number: 'asc' } }),
  ]);
  // Invoices in the order they were numbered; drafts (no number yet) last, by creation.
  invoiceRows.sort((a, b) => {
    if (a.number !== null && b.number !== null) return a.number.localeCompare(b.number);
    if (a.number !== b.number) return a.number === null ? 1 : -1;
    return a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
  });
  const numberOf = new Map(invoiceRows.map((invoice) => [invoice.id, invoice.number]));
  const payloadOf = (row: { payload: unknown }): Record<string, unknown> =>
    typeof row.payload === 'object' && row.payload !== null ? (row.payload as Record<string, unknown>) : {};
  const outboxKey = new Map(outboxRows.map((row) => [row.dedupeKey, row]));

  const sortable: Sortable[] = [];

  // Status changes, from the workflow's own record of each change (in state-version order).
  const updates = outboxRows
    .filter((row) => row.type === 'subscription.updated' && row.aggregateId === subscriptionId)
    .sort((a, b) => versionOf(a.dedupeKey) - versionOf(b.dedupeKey));
  // When a waiting attempt (3-D Secure) was made: the workflow's `payment_failed` record names it.
  const attemptTimes = new Map<string, number>();
  let status = context.initialStatus;
  for (const row of updates) {
    const payload = payloadOf(row);
    const at = payloadTime(payload, row.createdAt);
    if (typeof payload.invoiceId === 'string' && (payload.action === 'payment_failed' || payload.action === 'change_pending_payment')) {
      const attempt = typeof payload.attempt === 'number' ? payload.attempt : 1;
      attemptTimes.set(`${payload.invoiceId}:${attempt}`, at);
    }
    const next = typeof payload.status === 'string' ? payload.status : status;
    if (next === status) continue;
    const { subscriptionId: _id, status: _status, action, at: _at, ...details } = payload;
    sortable.push({
      at,
      seq: row.createdAt.getTime(),
      event: {
        at: new Date(at).toISOString(),
        type: 'status_change',
        from: status,
        to: next,
        action: typeof action === 'string' ? action : 'unknown',
        ...(Object.keys(details).length > 0 ? { details: readableDetails(withPriceNames(details, context.priceNames)) } : {}),
      },
    });
    status = next;
  }

  const payments: TimelinePayment[] = [];
  for (const invoice of invoiceRows) {
    if (invoice.finalizedAt !== null && invoice.number !== null) {
      const row = outboxKey.get(`invoice:${invoice.id}:finalized`);
      sortable.push({
        at: invoice.finalizedAt.getTime(),
        seq: row?.createdAt.getTime() ?? 0,
        event: { at: invoice.finalizedAt.toISOString(), type: 'invoice_finalized', number: invoice.number, kind: invoice.kind, total: num(invoice.total), amountDue: num(invoice.amountDue) },
      });
    }
    for (const attempt of invoice.paymentAttempts) {
      const n = attempt.attemptNumber;
      const base = { invoice: invoice.number, attempt: n, amount: num(attempt.amount) };
      const actionRequired = outboxKey.get(`invoice:${invoice.id}:attempt:${n}:payment_action_required`);
      const madeAt = attemptTimes.get(`${invoice.id}:${n}`) ?? (n === 1 ? invoice.finalizedAt?.getTime() : undefined) ?? null;
      // An attempt that asked for 3-D Secure shows twice: when it asked, and when it ended.
      if (actionRequired !== undefined && madeAt !== null) {
        sortable.push({
          at: madeAt,
          seq: actionRequired.createdAt.getTime(),
          event: { at: new Date(madeAt).toISOString(), type: 'payment_attempt', ...base, status: 'requires_action', declineCode: 'authentication_required' },
        });
      }
      const endedAt = attempt.completedAt?.getTime() ?? null;
      const finalRow =
        attempt.status === 'succeeded' ? outboxKey.get(`invoice:${invoice.id}:paid`) : outboxKey.get(`invoice:${invoice.id}:attempt:${n}:payment_failed`);
      if (endedAt !== null) {
        sortable.push({
          at: endedAt,
          seq: finalRow?.createdAt.getTime() ?? attempt.createdAt.getTime(),
          event: { at: new Date(endedAt).toISOString(), type: 'payment_attempt', ...base, status: attempt.status, declineCode: attempt.declineCode },
        });
      } else if (actionRequired === undefined && madeAt !== null) {
        sortable.push({
          at: madeAt,
          seq: attempt.createdAt.getTime(),
          event: { at: new Date(madeAt).toISOString(), type: 'payment_attempt', ...base, status: attempt.status, declineCode: attempt.declineCode },
        });
      }
      const at = endedAt ?? madeAt;
      payments.push({
        ...base,
        status: attempt.status,
        declineCode: attempt.declineCode,
        failureCode: attempt.failureCode,
        hardDecline: attempt.hardDecline,
        paymentIntentId: attempt.gatewayPaymentIntentId,
        at: at === null ? null : new Date(at).toISOString(),
      });
    }
  }
  payments.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '') || (a.invoice ?? '').localeCompare(b.invoice ?? '') || a.attempt - b.attempt);

  for (const note of noteRows) {
    const invoice = numberOf.get(note.invoiceId) ?? null;
    const seq = outboxKey.get(`credit_note:${note.id}:created`)?.createdAt.getTime() ?? 0;
    sortable.push({ at: note.createdAt.getTime(), seq, event: { at: note.createdAt.toISOString(), type: 'credit_note', number: note.number, invoice, outcome: note.outcome, total: num(note.total) } });
    if (note.refundStatus !== null) {
      const at = note.refundedAt ?? note.createdAt;
      sortable.push({ at: at.getTime(), seq: seq + 1, event: { at: at.toISOString(), type: 'refund', creditNote: note.number, invoice, amount: num(note.total), status: note.refundStatus } });
    }
  }

  // Usage alerts fired, from their outbox events (the subscription's timeline entry for each).
  for (const row of outboxRows) {
    if (row.type !== 'usage.threshold_reached' || row.aggregateId !== subscriptionId) continue;
    const p = payloadOf(row);
    const at = payloadTime(p, row.createdAt);
    sortable.push({
      at,
      seq: row.createdAt.getTime(),
      event: {
        at: new Date(at).toISOString(),
        type: 'usage_alert',
        alert: typeof p.alertName === 'string' ? p.alertName : null,
        meter: String(p.meterKey),
        threshold: String(p.thresholdKey),
        thresholdQuantity: String(p.thresholdQuantity),
        usage: String(p.usage),
        periodStart: String(p.periodStart),
      },
    });
  }

  for (const record of context.actions) {
    sortable.push({
      at: record.at,
      seq: record.seq,
      event: {
        at: new Date(record.at).toISOString(),
        type: 'action',
        index: record.index,
        action: record.action,
        ...(record.error === undefined ? { result: withPriceNames(record.result, context.priceNames) } : { error: record.error }),
      },
    });
  }
  sortable.sort((a, b) => a.at - b.at || a.seq - b.seq);

  const invoices: TimelineInvoice[] = invoiceRows.map((invoice) => ({
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    kind: invoice.kind,
    periodStart: iso(invoice.periodStart),
    periodEnd: iso(invoice.periodEnd),
    lines: invoice.lines.map((line): TimelineInvoiceLine =>
      line.kind === 'usage'
        ? {
            kind: line.kind,
            description: line.description,
            meter: line.meterId === null ? '' : (context.meterKeys?.get(line.meterId) ?? line.meterId),
            quantity: line.usageQuantity?.toFixed() ?? null,
            unitAmount: line.unitAmountDecimal?.toFixed() ?? null,
            amount: num(line.amount),
            periodStart: iso(line.periodStart),
            periodEnd: iso(line.periodEnd),
          }
        : { kind: line.kind, description: line.description, quantity: line.quantity, amount: num(line.amount), periodStart: iso(line.periodStart), periodEnd: iso(line.periodEnd) },
    ),
    subtotal: num(invoice.subtotal),
    discount: num(invoice.discountTotal),
    tax: num(invoice.taxTotal),
    total: num(invoice.total),
    creditApplied: num(invoice.creditApplied),
    amountDue: num(invoice.amountDue),
    amountPaid: num(invoice.amountPaid),
    amountCredited: num(invoice.amountCredited),
    amountRefunded: num(invoice.amountRefunded),
    attemptCount: invoice.attemptCount,
    createdAt: invoice.createdAt.toISOString(),
    finalizedAt: iso(invoice.finalizedAt),
    paidAt: iso(invoice.paidAt),
    voidedAt: iso(invoice.voidedAt),
    markedUncollectibleAt: iso(invoice.markedUncollectibleAt),
  }));

  const transactions = creditRows
    .filter((row) => row.currency === context.currency)
    .map((row) => ({ amount: num(row.amount), reason: row.reason, invoice: row.invoiceId === null ? null : (numberOf.get(row.invoiceId) ?? row.invoiceId) }));

  return {
    scenario: context.scenario,
    subscriptionId,
    currency: context.currency,
    events: sortable.map((entry) => entry.event),
    invoices,
    payments,
    creditNotes: noteRows.map((note) => ({
      number: note.number,
      invoice: numberOf.get(note.invoiceId) ?? null,
      reason: note.reason,
      outcome: note.outcome,
      lines: note.lines.map((line) => ({ description: line.description, quantity: line.quantity, amount: num(line.amount) })),
      subtotal: num(note.subtotal),
      adjustment: num(note.adjustment),
      total: num(note.total),
      refund: note.refundStatus === null ? null : { status: note.refundStatus, refundedAt: iso(note.refundedAt) },
      createdAt: note.createdAt.toISOString(),
    })),
    creditBalance: { balance: transactions.reduce((sum, t) => sum + t.amount, 0), transactions },
    final: context.final === null ? null : withPriceNames(context.final, context.priceNames),
    analytics: await timelineAnalytics(prisma, { tenantId, currency: context.currency, start: context.start, until: context.until }),
  };
}
