import { z } from 'zod';
import type { AuditLogEntry } from '../../generated/prisma/client.js';
import { instant } from '../view-fields.js';
import { actorOf } from './audit-actor.js';

const changeSchema = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });

/** One audit event as the API returns it. Personal data and secrets were redacted when it was written. */
export const auditEventViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('audit_event'),
    createdAt: instant,
    actor: z.object({
      type: z.enum(['api_key', 'system']),
      apiKeyId: z.string().nullable(),
      apiKeyName: z.string().nullable(),
      workflowId: z.string().nullable().describe('For the system: the workflow that made the change'),
      scheduleId: z.string().nullable(),
    }),
    action: z.string().describe('`<object>.<verb>`, e.g. `invoice.voided`, `price.created`'),
    objectType: z.string(),
    objectId: z.string(),
    requestId: z.string().nullable().describe('The X-Request-Id of the API request that made the change'),
    outcome: z.enum(['recorded', 'unknown']).describe('`unknown`: the process stopped between the change and its answer'),
    changes: z.array(changeSchema).describe('Every changed field, `[redacted]` where the value is personal data or a secret'),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

export type AuditEventView = z.infer<typeof auditEventViewSchema>;

export function toAuditEventView(row: AuditLogEntry): AuditEventView {
  const actor = actorOf(row.actor, row.actorName);
  return {
    id: row.id,
    object: 'audit_event',
    createdAt: row.createdAt.toISOString(),
    actor:
      actor.type === 'api_key'
        ? { type: 'api_key', apiKeyId: actor.apiKeyId, apiKeyName: actor.apiKeyName, workflowId: null, scheduleId: null }
        : { type: 'system', apiKeyId: null, apiKeyName: null, workflowId: actor.workflowId, scheduleId: actor.scheduleId },
    action: row.action,
    objectType: row.resourceType,
    objectId: row.resourceId,
    requestId: row.requestId,
    outcome: row.status === 'pending' ? 'unknown' : 'recorded',
    changes: Array.isArray(row.changes) ? (row.changes as AuditEventView['changes']) : [],
    before: row.before ?? null,
    after: row.after ?? null,
    details: typeof row.details === 'object' && row.details !== null && !Array.isArray(row.details) ? (row.details) : {},
  };
}
