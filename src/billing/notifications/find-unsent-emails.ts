import type { Db } from '../db.js';

/** Emails still pending and never attempted, created before `olderThan`: their workflow start was lost. */
export async function findUnsentEmails(db: Db, input: { olderThan: Date; limit: number }): Promise<Array<{ tenantId: string; notificationId: string }>> {
  const rows = await db.emailNotification.findMany({ where: { status: 'pending', attempts: 0, createdAt: { lt: input.olderThan } }, select: { id: true, tenantId: true }, orderBy: { createdAt: 'asc' }, take: input.limit });
  return rows.map((row) => ({ tenantId: row.tenantId, notificationId: row.id }));
}
