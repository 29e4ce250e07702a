import type { Db } from '../db.js';

/** Removes the pending row of a mutation that was refused: nothing happened, nothing to audit. */
export async function discardAuditEntry(prisma: Db, entry: { id: string; tenantId: string }): Promise<void> {
  await prisma.auditLogEntry.deleteMany({ where: { id: entry.id, tenantId: entry.tenantId, status: 'pending' } });
}
