import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { runInTransaction } from '../db.js';
import { wantsEvent } from '../webhook-endpoints/endpoint-input.js';
import { planEmailNotifications } from '../notifications/plan-email-notifications.js';
import type { RelayedEvent } from './event-metrics.js';

/** The deliveries of one object to one endpoint, delivered one after another in event order. */
export interface DeliveryLane {
  tenantId: string;
  endpointId: string;
  aggregateType: string;
  aggregateId: string;
}

export interface RelayedBatch {
  /** Outbox rows stamped published in this batch. */
  relayed: number;
  /** Lanes that received deliveries, with the deliveries (to stamp dispatched once their lane is started). */
  lanes: Array<DeliveryLane & { deliveryIds: string[] }>;
  /** Email notifications created, pending for the email sender. */
  emails: Array<{ tenantId: string; notificationId: string }>;
  /** The events relayed, for the billing counters (counted once the batch has committed). */
  events: RelayedEvent[];
}

interface OutboxRow {
  id: string;
  tenant_id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  seq: bigint;
  payload: Record<string, unknown>;
}

/** Events that go to no endpoint by fan-out: a test event is delivered only to the endpoint it tests. */
const NOT_FANNED_OUT = new Set(['webhook_endpoint.test']);

/**
 * Moves the oldest unrelayed outbox rows (in commit order, `seq`) to their deliveries — one per
 * enabled endpoint that wants the type — and their emails, and stamps them published, all in one
 * transaction. Rows are claimed FOR UPDATE SKIP LOCKED, so two relays never take the same row;
 * deliveries and emails are unique per (endpoint, event) and (event, kind), so a batch relayed
 * again after a crash adds nothing. Starting the lanes is the caller's, after the commit.
 */
export async function relayOutboxEvents(prisma: PrismaClient, input: { limit: number; now: Date }): Promise<RelayedBatch> {
  return runInTransaction(prisma, async (tx) => {
    const rows = await tx.$queryRaw<OutboxRow[]>`
      SELECT id, tenant_id, type, aggregate_type, aggregate_id, seq, payload FROM outbox_events
      WHERE published_at IS NULL ORDER BY seq LIMIT ${input.limit} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return { relayed: 0, lanes: [], emails: [], events: [] };
    const tenantIds = [...new Set(rows.map((row) => row.tenant_id))];
    const endpoints = await tx.webhookEndpoint.findMany({ where: { tenantId: { in: tenantIds }, enabled: true, deletedAt: null }, select: { id: true, tenantId: true, eventTypes: true } });
    const deliveries = rows.flatMap((row) =>
      NOT_FANNED_OUT.has(row.type)
        ? []
        : endpoints
            .filter((endpoint) => endpoint.tenantId === row.tenant_id && wantsEvent(endpoint.eventTypes, row.type))
            .map((endpoint) => ({
              id: newId('whd'),
              tenantId: row.tenant_id,
              endpointId: endpoint.id,
              eventId: row.id,
              eventType: row.type,
              eventSeq: row.seq,
              aggregateType: row.aggregate_type,
              aggregateId: row.aggregate_id,
            })),
    );
    if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true });
    const emails = await planEmailNotifications(tx, rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, type: row.type, payload: row.payload })));
    await tx.outboxEvent.updateMany({ where: { id: { in: rows.map((row) => row.id) } }, data: { publishedAt: input.now } });
    // What was really inserted (a re-relayed row's deliveries exist already, with their own ids).
    const stored = deliveries.length === 0 ? [] : await tx.webhookDelivery.findMany({ where: { eventId: { in: rows.map((row) => row.id) }, dispatchedAt: null }, select: { id: true, tenantId: true, endpointId: true, aggregateType: true, aggregateId: true } });
    return { relayed: rows.length, lanes: lanesOf(stored), emails, events: rows.map((row) => ({ type: row.type, payload: row.payload })) };
  });
}

export function lanesOf(deliveries: ReadonlyArray<DeliveryLane & { id: string }>): RelayedBatch['lanes'] {
  const lanes = new Map<string, DeliveryLane & { deliveryIds: string[] }>();
  for (const delivery of deliveries) {
    const key = `${delivery.endpointId}\u0000${delivery.aggregateType}\u0000${delivery.aggregateId}`;
    const lane = lanes.get(key) ?? { tenantId: delivery.tenantId, endpointId: delivery.endpointId, aggregateType: delivery.aggregateType, aggregateId: delivery.aggregateId, deliveryIds: [] };
    lane.deliveryIds.push(delivery.id);
    lanes.set(key, lane);
  }
  return [...lanes.values()];
}
