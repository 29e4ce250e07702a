import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toEventView, type EventView } from './views.js';

const getEventInput = z.object({ tenantId: idSchema, eventId: idSchema });

export async function getEvent(prisma: Db, input: z.input<typeof getEventInput>): Promise<EventView> {
  const { tenantId, eventId } = parseInput(getEventInput, input);
  const row = await prisma.outboxEvent.findFirst({ where: { id: eventId, tenantId } });
  if (row === null) throw notFound('event', eventId);
  return toEventView(row);
}
