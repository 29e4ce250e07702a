import type { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { emailKindFor } from './email-kinds.js';

export interface RelayedEvent {
  id: string;
  tenantId: string;
  type: string;
  payload: Record<string, unknown>;
}

/** Whether an event is worth an email (an invoice for nothing is not). */
function worthSending(event: RelayedEvent): boolean {
  if (event.type === 'invoice.finalized') {
    const due = event.payload.amountDue as { amount?: unknown } | undefined;
    return typeof due?.amount === 'number' && due.amount > 0;
  }
  return true;
}

/**
 * The emails of relayed events, as notification rows in the relay's transaction: `pending` to be
 * sent, or `skipped` with the reason (no billing email, the tenant turned that email off). Unique
 * per (tenant, event, kind): relaying an event again sends nothing twice. Answers the pending ones.
 */
export async function planEmailNotifications(tx: Prisma.TransactionClient, events: readonly RelayedEvent[]): Promise<Array<{ tenantId: string; notificationId: string }>> {
  const candidates = events.flatMap((event) => {
    const kind = emailKindFor(event.type);
    const customerId = typeof event.payload.customerId === 'string' ? event.payload.customerId : null;
    return kind !== null && customerId !== null && worthSending(event) ? [{ event, kind, customerId }] : [];
  });
  if (candidates.length === 0) return [];
  const customers = new Map(
    (await tx.customer.findMany({ where: { id: { in: [...new Set(candidates.map((c) => c.customerId))] } }, select: { id: true, tenantId: true, email: true } })).map((row) => [row.id, row]),
  );
  const disabled = new Set(
    (await tx.emailTemplate.findMany({ where: { tenantId: { in: [...new Set(candidates.map((c) => c.event.tenantId))] }, enabled: false }, select: { tenantId: true, kind: true } })).map((row) => `${row.tenantId}:${row.kind}`),
  );
  const rows = candidates.map(({ event, kind, customerId }) => {
    const customer = customers.get(customerId);
    const email = customer?.tenantId === event.tenantId ? customer.email : null;
    const skipped = email === null ? 'the customer has no email address' : disabled.has(`${event.tenantId}:${kind}`) ? 'the tenant turned this email off' : null;
    return {
      id: newId('eml'),
      tenantId: event.tenantId,
      eventId: event.id,
      kind,
      customerId,
      toAddress: email,
      status: skipped === null ? ('pending' as const) : ('skipped' as const),
      error: skipped,
    };
  });
  await tx.emailNotification.createMany({ data: rows, skipDuplicates: true });
  const pending = await tx.emailNotification.findMany({ where: { eventId: { in: rows.map((row) => row.eventId) }, status: 'pending', attempts: 0 }, select: { id: true, tenantId: true } });
  return pending.map((row) => ({ tenantId: row.tenantId, notificationId: row.id }));
}
