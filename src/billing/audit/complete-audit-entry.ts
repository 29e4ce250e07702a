import { Prisma } from '../../generated/prisma/client.js';
import { toJson, type Db } from '../db.js';
import { auditChanges } from './audit-diff.js';
import { redactAtPath, redactForAudit } from './audit-redaction.js';
import type { PendingAuditEntry } from './begin-audit-entry.js';

/** Records what a mutation did: the object's id (a create's, now known), its view after, and the changed fields. */
export async function completeAuditEntry(prisma: Db, entry: PendingAuditEntry & { objectId: string; after: unknown }): Promise<void> {
  const raw = entry.after === undefined ? null : entry.after;
  const after = raw === null ? null : redactForAudit(entry.objectType, raw);
  // Diffed before redaction, so a changed email reads as changed; each value redacted by its path.
  const changes = auditChanges(entry.before, raw).map((change) => ({
    path: change.path,
    from: redactAtPath(entry.objectType, change.path, change.from),
    to: redactAtPath(entry.objectType, change.path, change.to),
  }));
  await prisma.auditLogEntry.update({
    where: { id: entry.id },
    data: {
      status: 'recorded',
      resourceId: entry.objectId,
      after: after === null ? Prisma.DbNull : toJson(after),
      changes: toJson(changes),
    },
  });
}
