import { z } from 'zod';
import type { Db } from '../db.js';
import { moneyFromColumn } from '../amounts.js';
import { toInvoiceListItemView, type InvoiceListItemView } from '../invoices/views.js';
import { toPaymentView, type PaymentView } from '../payments/views.js';
import { idSchema, parseInput } from '../validation.js';
import { getSubscriptionRecord } from './get-subscription-record.js';
import type { LiveSubscriptionView, SubscriptionWorkflows, WorkflowInspection } from './subscription-workflows.js';
import type { SubscriptionView } from './views.js';

/** Invoices, events and MRR changes shown at most: a subscription's life, not an export. */
const MAX_INVOICES = 200;
const MAX_EVENTS = 200;

const input = z.object({ tenantId: idSchema, subscriptionId: idSchema });

export interface TimelinePeriod {
  index: number;
  start: string;
  end: string;
  current: boolean;
  /** The invoices billed for this period (the recurring one, usage, prorations), oldest first, each with its payment attempts. */
  invoices: Array<InvoiceListItemView & { payments: PaymentView[] }>;
}

export interface SubscriptionTimelineView {
  subscription: SubscriptionView;
  customer: { id: string; name: string | null; email: string | null };
  /** What each item bills: the product's name and the price's nickname. */
  items: Array<{ id: string; priceId: string; quantity: number; product: string; nickname: string | null; usageType: string }>;
  /** Newest first; invoices with no period (one-off charges billed with the subscription) are under `otherInvoices`. */
  periods: TimelinePeriod[];
  otherInvoices: Array<InvoiceListItemView & { payments: PaymentView[] }>;
  /** The MRR history as written when the subscription changed, oldest first (minor units of the subscription's currency). */
  mrrChanges: Array<{ effectiveAt: string; status: string; counted: boolean; mrr: number }>;
  /** Outbound events of the subscription and its invoices, newest first. */
  events: Array<{ id: string; type: string; createdAt: string; objectId: string }>;
  /** Whether the workflow runs, or how it closed. */
  workflow: WorkflowInspection['workflow'];
  /** A running workflow's own view (next action, collections, attention); null when it did not answer within a second or no longer runs. */
  live: LiveSubscriptionView | null;
}

/**
 * One subscription's life for the operator console: its periods with the invoices and payment
 * attempts of each, its MRR history, the events it emitted, and what its workflow will do next.
 */
export async function getSubscriptionTimeline(deps: { prisma: Db; workflows: Pick<SubscriptionWorkflows, 'inspect'> }, request: z.input<typeof input>): Promise<SubscriptionTimelineView> {
  const { tenantId, subscriptionId } = parseInput(input, request);
  const { prisma } = deps;
  const subscription = await getSubscriptionRecord(prisma, { tenantId, subscriptionId });
  const [customer, prices, invoices, mrrChanges, inspection] = await Promise.all([
    prisma.customer.findFirstOrThrow({ where: { tenantId, id: subscription.customerId }, select: { id: true, name: true, email: true } }),
    prisma.price.findMany({ where: { tenantId, id: { in: subscription.items.map((item) => item.priceId) } }, select: { id: true, nickname: true, usageType: true, product: { select: { name: true } } } }),
    prisma.invoice.findMany({
      where: { tenantId, subscriptionId },
      include: { _count: { select: { lines: { where: { tenantId } } } }, paymentAttempts: { where: { tenantId }, orderBy: { attemptNumber: 'asc' } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: MAX_INVOICES,
    }),
    prisma.subscriptionMrrChange.findMany({ where: { tenantId, subscriptionId }, orderBy: [{ effectiveAt: 'asc' }, { stateVersion: 'asc' }] }),
    deps.workflows.inspect(subscriptionId),
  ]);
  const events = await prisma.outboxEvent.findMany({
    where: { tenantId, aggregateId: { in: [subscriptionId, ...invoices.map((invoice) => invoice.id)] } },
    select: { id: true, type: true, createdAt: true, aggregateId: true },
    orderBy: { seq: 'desc' },
    take: MAX_EVENTS,
  });
  const byPrice = new Map(prices.map((price) => [price.id, price]));
  const withPayments = invoices
    .map((invoice) => ({ ...toInvoiceListItemView(invoice, invoice._count.lines), payments: invoice.paymentAttempts.map(toPaymentView) }))
    .reverse();
  const periods = new Map<number, TimelinePeriod>();
  const current = subscription.currentPeriod;
  if (current !== null) periods.set(current.index, { ...current, current: true, invoices: [] });
  const otherInvoices: SubscriptionTimelineView['otherInvoices'] = [];
  for (const invoice of withPayments) {
    if (invoice.periodIndex === null || invoice.periodStart === null || invoice.periodEnd === null) {
      otherInvoices.push(invoice);
      continue;
    }
    const period = periods.get(invoice.periodIndex) ?? { index: invoice.periodIndex, start: invoice.periodStart, end: invoice.periodEnd, current: false, invoices: [] };
    period.invoices.push(invoice);
    periods.set(invoice.periodIndex, period);
  }
  return {
    subscription,
    customer,
    items: subscription.items.map((item) => {
      const price = byPrice.get(item.priceId);
      return { id: item.id, priceId: item.priceId, quantity: item.quantity, product: price?.product.name ?? item.priceId, nickname: price?.nickname ?? null, usageType: price?.usageType ?? 'licensed' };
    }),
    periods: [...periods.values()].sort((a, b) => b.index - a.index),
    otherInvoices: otherInvoices.reverse(),
    mrrChanges: mrrChanges.map((change) => ({
      effectiveAt: change.effectiveAt.toISOString(),
      status: change.status,
      counted: change.counted,
      mrr: moneyFromColumn(change.mrr, change.currency).amount,
    })),
    events: events.map((event) => ({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), objectId: event.aggregateId })),
    workflow: inspection.workflow,
    // A closed workflow still answers with its last state; that is history, not what happens next.
    live: inspection.workflow === 'running' ? inspection.live : null,
  };
}
