import type { BillingInterval } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { SubscriptionStatus } from '../../generated/prisma/enums.js';
import { newId } from '../../ids.js';
import { dateOrNull } from '../amounts.js';
import { runInTransaction, toJson } from '../db.js';
import { failure, notFound } from '../failures.js';
import { lockSubscription } from '../locks.js';
import { notifyEntitlementsChanged } from '../entitlements/entitlement-changes.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';

/** A subscription fact for the outbox; the aggregate is the subscription. */
export interface OutboxEventInput {
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

/** persistSubscriptionState inside an open transaction (with the step's other writes). */
export async function persistSubscriptionStateInTransaction(tx: Prisma.TransactionClient, input: PersistSubscriptionStateInput, now: Date): Promise<void> {
  const { tenantId, subscriptionId, state } = input;
  if (!(await lockSubscription(tx, tenantId, subscriptionId))) {
    throw notFound('subscription', subscriptionId);
  }
  const row = await tx.subscription.findFirstOrThrow({ where: { id: subscriptionId, tenantId }, select: { stateVersion: true, customerId: true } });
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
  // Status, items and period decide what the customer is entitled to.
  await notifyEntitlementsChanged(tx, tenantId, [row.customerId]);
  await writeOutboxEvents(
    tx,
    tenantId,
    input.events.map((event) => ({ ...event, aggregateType: 'subscription', aggregateId: subscriptionId })),
  );
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
