import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toMeterView, type MeterView } from './views.js';

const listMetersInput = z.object({
  tenantId: idSchema,
  active: z.boolean().optional(),
  eventName: z.string().min(1).optional(),
  ...pageInputShape,
});

/** The tenant's meters, newest first. */
export async function listMeters(prisma: Db, input: z.input<typeof listMetersInput>): Promise<Page<MeterView>> {
  const { tenantId, active, eventName, ...page } = parseInput(listMetersInput, input);
  const query = pageQuery(page);
  const where: Prisma.MeterWhereInput = {
    tenantId,
    ...(active === undefined ? {} : { archivedAt: active ? null : { not: null } }),
    ...(eventName === undefined ? {} : { eventName }),
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  return toPage(await prisma.meter.findMany({ where, orderBy: query.orderBy, take: query.take }), page, toMeterView);
}
