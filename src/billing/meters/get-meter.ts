import { z } from 'zod';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toMeterView, type MeterView } from './views.js';

const getMeterInput = z.object({ tenantId: idSchema, meterId: idSchema });

/** One meter of the tenant; another tenant's is `meter_not_found`. */
export async function getMeter(prisma: Db, input: z.input<typeof getMeterInput>): Promise<MeterView> {
  const { tenantId, meterId } = parseInput(getMeterInput, input);
  const meter = await prisma.meter.findFirst({ where: { id: meterId, tenantId } });
  if (meter === null) throw notFound('meter', meterId);
  return toMeterView(meter);
}
