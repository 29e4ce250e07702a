import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toAuditEventView, type AuditEventView } from './views.js';

const getAuditEventInput = z.object({ tenantId: idSchema, auditEventId: idSchema });

export async function getAuditEvent(prisma: Db, input: z.input<typeof getAuditEventInput>): Promise<AuditEventView> {
  const { tenantId, auditEventId } = parseInput(getAuditEventInput, input);
  const row = await prisma.auditLogEntry.findFirst({ where: { id: auditEventId, tenantId } });
  if (row === null) throw notFound('audit_event', auditEventId);
  return toAuditEventView(row);
}
