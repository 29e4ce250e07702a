import type { PrismaClient } from '../../db/prisma-client.js';

/** What the retention job deletes, each kind on its own rule. */
export type PurgeKind = 'idempotency_keys' | 'webhook_events' | 'outbox_events' | 'webhook_deliveries' | 'email_notifications';

/** Idempotency keys are kept 24 hours, as Stripe keeps them (the API replays within that window). */
const IDEMPOTENCY_KEY_HOURS = 24;
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * Deletes at most `batchSize` rows of one kind that are past retention as of `now`, and returns
 * how many it deleted: expired idempotency keys (never one still claimed); processed webhook
 * events older than the tenant's `webhook_event_retention_days`; outbox events delivered longer
 * ago than its `outbox_retention_days` (an undelivered event is never deleted), and on the same
 * clock the webhook deliveries that ended (with their attempts) and the emails sent or given up
 * (a pending one is never deleted). Bounded batches
 * keep each transaction short; the caller repeats until a batch comes back short.
 */
export async function purgeExpiredRows(prisma: PrismaClient, input: { kind: PurgeKind; now: Date; batchSize: number }): Promise<number> {
  const { now, batchSize } = input;
  switch (input.kind) {
    case 'idempotency_keys':
      return prisma.$executeRaw`
        DELETE FROM idempotency_keys WHERE (tenant_id, key) IN (
          SELECT tenant_id, key FROM idempotency_keys
           WHERE created_at < ${now}::timestamp - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})
             AND (state = 'completed' OR locked_until IS NULL OR locked_until < ${now}::timestamp)
           LIMIT ${batchSize})`;
    case 'webhook_events':
      return prisma.$executeRaw`
        DELETE FROM webhook_events WHERE id IN (
          SELECT w.id FROM webhook_events w LEFT JOIN billing_settings s ON s.tenant_id = w.tenant_id
           WHERE w.outcome <> 'pending'
             AND w.received_at < ${now}::timestamp - make_interval(days => COALESCE(s.webhook_event_retention_days, ${DEFAULT_RETENTION_DAYS}))
           LIMIT ${batchSize})`;
    case 'outbox_events':
      return prisma.$executeRaw`
        DELETE FROM outbox_events WHERE id IN (
          SELECT o.id FROM outbox_events o LEFT JOIN billing_settings s ON s.tenant_id = o.tenant_id
           WHERE o.published_at IS NOT NULL
             AND o.published_at < ${now}::timestamp - make_interval(days => COALESCE(s.outbox_retention_days, ${DEFAULT_RETENTION_DAYS}))
           LIMIT ${batchSize})`;
    case 'webhook_deliveries':
      return prisma.$executeRaw`
        DELETE FROM webhook_deliveries WHERE id IN (
          SELECT d.id FROM webhook_deliveries d LEFT JOIN billing_settings s ON s.tenant_id = d.tenant_id
           WHERE d.status <> 'pending'
             AND d.created_at < ${now}::timestamp - make_interval(days => COALESCE(s.outbox_retention_days, ${DEFAULT_RETENTION_DAYS}))
           LIMIT ${batchSize})`;
    case 'email_notifications':
      return prisma.$executeRaw`
        DELETE FROM email_notifications WHERE id IN (
          SELECT e.id FROM email_notifications e LEFT JOIN billing_settings s ON s.tenant_id = e.tenant_id
           WHERE e.status <> 'pending'
             AND e.created_at < ${now}::timestamp - make_interval(days => COALESCE(s.outbox_retention_days, ${DEFAULT_RETENTION_DAYS}))
           LIMIT ${batchSize})`;
  }
}
