import type { BillingInterval } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { SubscriptionStatus } from '../../generated/prisma/enums.js';
import { newId } from '../../ids.js';
import { dateOrNull } from '../amounts.js';
import { runInTransaction, toJson } from '../db.js';
import { failure, notFound } from '../failures.js';
import { lockSubscription } from '../locks.js';
import { recordMrrChange } from '../analytics/record-mrr-change.js';
import { notifyEntitlementsChanged } from '../entitlements/entitlement-changes.js';
import { isEventType, type EventDataByType } from '../events/event-catalog.js';
import { writeOutboxEvents, type OutboxEventRow } from '../outbox/write-outbox-events.js';

/** A subscription fact for the outbox; the aggregate is the subscription. */
export interface OutboxEventInput {
  /** A type of the event catalog; anything else (an older workflow's `charge.refunded`) is not written. */
  type: string;
  /** Unique per tenant with the type: a retried write adds nothing. */
  dedupeKey: string;
  payload: Record<string, unknown>;
}

export interface PersistSubscriptionStateInput {
  tenantId: string;
  subscriptionId: string;
  /** Strictly increasing per subscription; a write older than the row's is ignored. */
  stateVersion: number;
  state: {
    status: SubscriptionStatus;
    billingAnchor: number;
    interval: { unit: BillingInterval['unit']; count: number };
    currentPeriodIndex: number;
    currentPeriodStart: number | null;
    currentPeriodEnd: number | null;
    trialEnd: number | null;
    cancelAtPeriodEnd: boolean;
    canceledAt: number | null;
    endedAt: number | null;
    pausedAt: number | null;
    pendingChange: Record<string, unknown> | null;
  };
  items: Array<{ priceId: string; quantity: number }>;
  events: OutboxEventInput[];
  audit: { action: string; details: Record<string, unknown> } | null;
}

/**
 * Makes the item rows match the workflow's: rows for prices that stay keep their id (invoice
 * lines point at them), with the new quantity; new prices get new rows; removed ones go.
 */
async function replaceItems(tx: Prisma.TransactionClient, input: PersistSubscriptionStateInput, now: number): Promise<void> {
  const { tenantId, subscriptionId } = input;
  const priceIds = input.items.map((item) => item.priceId);
  if (new Set(priceIds).size !== priceIds.length) throw failure('invalid_items', 'Each price may appear once among the items', { priceIds });
  const prices = await tx.price.findMany({ where: { id: { in: priceIds }, tenantId }, select: { id: true } });
  const missing = priceIds.find((id) => !prices.some((price) => price.id === id));
  if (missing !== undefined) throw notFound('price', missing);
  await tx.subscriptionItem.deleteMany({ where: { tenantId, subscriptionId, priceId: { notIn: priceIds } } });
  // Items are ordered by creation instant (no position column): new ones get distinct instants, in input order.
  const createdAt = now;
  for (const [index, item] of input.items.entries()) {
    await tx.subscriptionItem.upsert({
      where: { subscriptionId_priceId: { subscriptionId, priceId: item.priceId } },
      create: { id: newId('si'), tenantId, subscriptionId, priceId: item.priceId, quantity: item.quantity, createdAt: new Date(createdAt + index) },
      update: { quantity: item.quantity },
    });
  }
}

/**
 * Writes the workflow's view of the subscription (row, items, outbox events, audit entry) in one
 * transaction, only when `stateVersion` is newer than the row's. An older or equal version is a
 * retry or an overtaken write and does nothing at all, events included: those were written with
 * the state they belong to.
 */
export async function persistSubscriptionState(prisma: PrismaClient, input: PersistSubscriptionStateInput, now: Date): Promise<void> {
  await runInTransaction(prisma, (tx) => persistSubscriptionStateInTransaction(tx, input, now));
}

/** Several states of one subscription, oldest first, in one transaction (the writes a workflow step made). */
export async function persistSubscriptionStates(prisma: PrismaClient, inputs: readonly PersistSubscriptionStateInput[], now: Date): Promise<void> {
  if (inputs.length === 0) return;
  await runInTransaction(prisma, async (tx) => {
    for (const input of inputs) await persistSubscriptionStateInTransaction(tx, input, now);
  });
}

/**
 * The workflow's events for this write, completed with what only the row knows (the customer,
 * the status before), plus the catalog's status events — `subscription.paused`, `.resumed`,
 * `.canceled` — derived from the transition itself, so every path to a status (an API cancel,
 * dunning's final action, a trial without a card) reports it the same way.
 */
function subscriptionEvents(input: PersistSubscriptionStateInput, customerId: string, previousStatus: SubscriptionStatus): OutboxEventRow[] {
  const { subscriptionId, state } = input;
  const rows: OutboxEventRow[] = [];
  let facts: EventDataByType['subscription.paused'] | null = null;
  for (const event of input.events) {
    if (!isEventType(event.type)) continue;
    const base = { aggregateType: 'subscription', aggregateId: subscriptionId, dedupeKey: event.dedupeKey };
    if (event.type === 'subscription.updated') {
      const payload = { ...event.payload, subscriptionId, customerId, status: state.status, previousStatus } as EventDataByType['subscription.updated'];
      facts = { subscriptionId, customerId, status: state.status, previousStatus, action: payload.action, at: payload.at };
      rows.push({ ...base, type: 'subscription.updated', payload });
    } else {
      rows.push({ ...base, type: event.type, payload: { subscriptionId, customerId, ...event.payload } } as OutboxEventRow);
    }
  }
  if (facts === null || previousStatus === state.status) return rows;
  const key = `${subscriptionId}:v${input.stateVersion}`;
  if (state.status === 'canceled') {
    const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
    rows.push({ type: 'subscription.canceled', aggregateType: 'subscription', aggregateId: subscriptionId, dedupeKey: `${key}:canceled`, payload: { ...facts, canceledAt: iso(state.canceledAt), endedAt: iso(state.endedAt) } });
  } else if (state.status === 'paused') {
    rows.push({ type: 'subscription.paused', aggregateType: 'subscription', aggregateId: subscriptionId, dedupeKey: `${key}:paused`, payload: facts });
  } else if (previousStatus === 'paused') {
    rows.push({ type: 'subscription.resumed', aggregateType: 'subscription', aggregateId: subscriptionId, dedupeKey: `${key}:resumed`, payload: facts });
  }
  return rows;
}

/** The billing instant the state took effect: the workflow's `at` on its update event, else now. */
function effectiveAt(input: PersistSubscriptionStateInput, now: Date): Date {
  const at = input.events.find((event) => event.type === 'subscription.updated')?.payload.at;
  const parsed = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  return Number.isFinite(parsed) ? new Date(parsed) : now;
}

/** persistSubscriptionState inside an open transaction (with the step's other writes). */
export async function persistSubscriptionStateInTransaction(tx: Prisma.TransactionClient, input: PersistSubscriptionStateInput, now: Date): Promise<void> {
  const { tenantId, subscriptionId, state } = input;
  if (!(await lockSubscription(tx, tenantId, subscriptionId))) {
    throw notFound('subscription', subscriptionId);
  }
  const row = await tx.subscription.findFirstOrThrow({ where: { id: subscriptionId, tenantId }, select: { stateVersion: true, customerId: true, status: true, currency: true } });
  if (input.stateVersion <= row.stateVersion) return;
  await tx.subscription.update({
    where: { id: subscriptionId },
    data: {
      stateVersion: input.stateVersion,
      status: state.status,
      billingAnchor: new Date(state.billingAnchor),
      intervalUnit: state.interval.unit,
      intervalCount: state.interval.count,
      currentPeriodIndex: state.currentPeriodIndex,
      currentPeriodStart: dateOrNull(state.currentPeriodStart),
      currentPeriodEnd: dateOrNull(state.currentPeriodEnd),
      trialEnd: dateOrNull(state.trialEnd),
      cancelAtPeriodEnd: state.cancelAtPeriodEnd,
      canceledAt: dateOrNull(state.canceledAt),
      endedAt: dateOrNull(state.endedAt),
      pausedAt: dateOrNull(state.pausedAt),
      pendingChange: state.pendingChange === null ? Prisma.DbNull : toJson(state.pendingChange),
    },
  });
  await replaceItems(tx, input, now.getTime());
  await recordMrrChange(tx, {
    tenantId,
    subscriptionId,
    customerId: row.customerId,
    currency: row.currency,
    stateVersion: input.stateVersion,
    status: state.status,
    periodIndex: state.currentPeriodIndex,
    effectiveAt: effectiveAt(input, now),
  });
  // Status, items and period decide what the customer is entitled to.
  await notifyEntitlementsChanged(tx, tenantId, [row.customerId]);
  await writeOutboxEvents(tx, tenantId, subscriptionEvents(input, row.customerId, row.status));
  if (input.audit !== null) {
    await tx.auditLogEntry.create({
      data: {
        id: newId('aud'),
        tenantId,
        actor: `workflow:subscription:${subscriptionId}`,
        action: input.audit.action,
        resourceType: 'subscription',
        resourceId: subscriptionId,
        details: toJson({ ...input.audit.details, stateVersion: input.stateVersion }),
      },
    });
  }
}
