import { dateOrNull } from '../src/billing/amounts.js';
import { runInTransaction, toJson } from '../src/billing/db.js';
import { lockSubscription } from '../src/billing/locks.js';
import { Prisma } from '../src/generated/prisma/client.js';
import { newId } from '../src/ids.js';
import { failure } from '../src/billing/failures.js';
import type { ActivityDependencies } from './index.js';
import { writeOutboxEvents } from './outbox.js';
import type { PersistSubscriptionStateInput } from './types.js';

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
  if (missing !== undefined) throw failure('price_not_found', `No price ${missing}`, { priceId: missing });
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
export async function persistSubscriptionState(deps: ActivityDependencies, input: PersistSubscriptionStateInput): Promise<void> {
  const { tenantId, subscriptionId, state } = input;
  await runInTransaction(deps.prisma, async (tx) => {
    if (!(await lockSubscription(tx, tenantId, subscriptionId))) {
      throw failure('subscription_not_found', `No subscription ${subscriptionId}`, { subscriptionId });
    }
    const row = await tx.subscription.findFirstOrThrow({ where: { id: subscriptionId, tenantId }, select: { stateVersion: true } });
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
    await replaceItems(tx, input, (deps.now ?? Date.now)());
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
  });
}
