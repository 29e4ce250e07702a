import { newId } from '../../ids.js';
import { toJson, type Db } from '../db.js';
import { actorColumn, type AuditActor } from './audit-actor.js';
import { redactForAudit } from './audit-redaction.js';

export interface AuditEntryStart {
  tenantId: string;
  actor: AuditActor;
  requestId: string | null;
  action: string;
  objectType: string;
  /** Null for a create: the id is known once it has run. */
  objectId: string | null;
  /** The object's view before the change; null when there was none. */
  before: unknown;
}

/**
 * Writes the audit row of an API mutation before it runs, as `pending`: if the process dies
 * between the change and its answer, the row stays, saying the outcome is unknown, instead of a
 * change nobody recorded. completeAuditEntry records what happened; discardAuditEntry removes the
 * row of a request that was refused and changed nothing.
 */
/** The pending row, and the `before` (not redacted, held in memory only) that completeAuditEntry diffs against. */
export interface PendingAuditEntry {
  id: string;
  tenantId: string;
  objectType: string;
  before: unknown;
}

export async function beginAuditEntry(prisma: Db, start: AuditEntryStart): Promise<PendingAuditEntry> {
  const id = newId('aud');
  const before = start.before === null || start.before === undefined ? null : redactForAudit(start.objectType, start.before);
  await prisma.auditLogEntry.create({
    data: {
      id,
      tenantId: start.tenantId,
      actor: actorColumn(start.actor),
      actorName: start.actor.type === 'api_key' ? start.actor.apiKeyName : null,
      requestId: start.requestId,
      action: start.action,
      resourceType: start.objectType,
      resourceId: start.objectId ?? '',
      status: 'pending',
      ...(before === null ? {} : { before: toJson(before) }),
    },
  });
  return { id, tenantId: start.tenantId, objectType: start.objectType, before: start.before ?? null };
}
