import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { failure } from '../failures.js';
import { pageInputShape, pageLimit, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { isEventType } from './event-catalog.js';
import { toEventView, type EventView } from './views.js';

const listEventsInput = z.object({
  tenantId: idSchema,
  /** Event types, exactly (`invoice.paid`) or by prefix (`invoice.*`). */
  types: z.array(z.string().refine((type) => isEventType(type) || /^[a-z_]+\.\*$/.test(type), 'is not an event type of the catalog (or a prefix such as invoice.*)')).max(50).optional(),
  /** The event's own object, or an id its data names (customerId, subscriptionId, invoiceId). */
  objectId: z.string().min(1).max(200).optional(),
  createdFrom: z.date().optional(),
  createdTo: z.date().optional(),
  ...pageInputShape,
});

// Events are listed in commit order (seq), newest first; the cursor is the last seq shown.
const cursorSchema = z.strictObject({ s: z.string().regex(/^\d{1,19}$/) });

function afterSeq(cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  try {
    return BigInt(cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).s);
  } catch {
    throw failure('invalid_cursor', 'The cursor is not one this API issued', { cursor });
  }
}

const RELATED_IDS = ['customerId', 'subscriptionId', 'invoiceId'] as const;

/** The tenant's events, newest first, by type and by object. */
export async function listEvents(prisma: Db, input: z.input<typeof listEventsInput>): Promise<Page<EventView>> {
  const { tenantId, types, objectId, createdFrom, createdTo, cursor, limit } = parseInput(listEventsInput, input);
  const take = pageLimit(limit);
  const before = afterSeq(cursor);
  const typeFilter: Prisma.OutboxEventWhereInput[] = (types ?? []).map((type) => (type.endsWith('.*') ? { type: { startsWith: type.slice(0, -1) } } : { type }));
  const where: Prisma.OutboxEventWhereInput = {
    tenantId,
    AND: [
      ...(typeFilter.length === 0 ? [] : [{ OR: typeFilter }]),
      ...(objectId === undefined ? [] : [{ OR: [{ aggregateId: objectId }, ...RELATED_IDS.map((key) => ({ payload: { path: [key], equals: objectId } }))] }]),
      ...(createdFrom === undefined ? [] : [{ createdAt: { gte: createdFrom } }]),
      ...(createdTo === undefined ? [] : [{ createdAt: { lt: createdTo } }]),
      ...(before === undefined ? [] : [{ seq: { lt: before } }]),
    ],
  };
  const rows = await prisma.outboxEvent.findMany({ where, orderBy: { seq: 'desc' }, take: take + 1 });
  const kept = rows.slice(0, take);
  const hasMore = rows.length > take;
  const last = kept.at(-1);
  return {
    data: kept.map(toEventView),
    hasMore,
    nextCursor: hasMore && last ? Buffer.from(JSON.stringify({ s: last.seq.toString() }), 'utf8').toString('base64url') : null,
  };
}
