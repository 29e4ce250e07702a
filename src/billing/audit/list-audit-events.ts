import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toAuditEventView, type AuditEventView } from './views.js';

const listAuditEventsInput = z.object({
  tenantId: idSchema,
  objectType: z.string().min(1).optional(),
  objectId: z.string().min(1).optional(),
  /** An API key id (`key_…`) or an actor as stored (`api_key:key_…`, `workflow:…`, `schedule:…`, `system`). */
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  requestId: z.string().min(1).optional(),
  /** Inclusive. */
  createdFrom: z.date().optional(),
  /** Exclusive. */
  createdTo: z.date().optional(),
  ...pageInputShape,
});

function actorFilter(actor: string): string {
  return actor.startsWith('key_') ? `api_key:${actor}` : actor;
}

/** The tenant's audit events, newest first. */
export async function listAuditEvents(prisma: Db, input: z.input<typeof listAuditEventsInput>): Promise<Page<AuditEventView>> {
  const { tenantId, objectType, objectId, actor, action, requestId, createdFrom, createdTo, ...page } = parseInput(listAuditEventsInput, input);
  const query = pageQuery(page);
  const where: Prisma.AuditLogEntryWhereInput = {
    tenantId,
    ...(objectType === undefined ? {} : { resourceType: objectType }),
    ...(objectId === undefined ? {} : { resourceId: objectId }),
    ...(actor === undefined ? {} : { actor: actorFilter(actor) }),
    ...(action === undefined ? {} : { action }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(createdFrom === undefined && createdTo === undefined ? {} : { createdAt: { ...(createdFrom === undefined ? {} : { gte: createdFrom }), ...(createdTo === undefined ? {} : { lt: createdTo }) } }),
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  return toPage(await prisma.auditLogEntry.findMany({ where, orderBy: query.orderBy, take: query.take }), page, toAuditEventView);
}
