import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toMeterView, type MeterView } from './views.js';

const archiveMeterInput = z.object({ tenantId: idSchema, meterId: idSchema });

/**
 * Stops a meter being used by new prices. It keeps reading events, so subscriptions already on
 * a price of it are billed as before. Repeating keeps the first archive instant.
 */
export async function archiveMeter(prisma: Db, input: z.input<typeof archiveMeterInput>): Promise<MeterView> {
  const { tenantId, meterId } = parseInput(archiveMeterInput, input);
  await prisma.meter.updateMany({ where: { id: meterId, tenantId, archivedAt: null }, data: { archivedAt: new Date() } });
  const meter = await prisma.meter.findFirst({ where: { id: meterId, tenantId } });
  if (meter === null) throw notFound('meter', meterId);
  return toMeterView(meter);
}
