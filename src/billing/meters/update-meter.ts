import { ALL_CUSTOMERS, notifyEntitlementsChanged } from '../entitlements/entitlement-changes.js';
import { z } from 'zod';
import { assertMeterDefinition } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction, toJson } from '../db.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { eventNameSchema, meterAggregationSchema, meterFiltersSchema, propertyNameSchema } from './meter-definition.js';
import { filtersOf, toMeterView, type MeterView } from './views.js';

const updateMeterInput = z.object({
  tenantId: idSchema,
  meterId: idSchema,
  displayName: z.string().trim().min(1).max(200).optional(),
  eventName: eventNameSchema.optional(),
  aggregation: meterAggregationSchema.optional(),
  valueProperty: propertyNameSchema.nullish(),
  uniqueProperty: propertyNameSchema.nullish(),
  filters: meterFiltersSchema.optional(),
});

/**
 * Renames a meter at any time. What it reads and how it aggregates (event name, aggregation,
 * properties, filters) may change only while it is unused — no price refers to it and no event
 * has been counted by it — since billed quantities must keep meaning what they meant
 * (`meter_in_use`).
 */
export async function updateMeter(prisma: PrismaClient, input: z.input<typeof updateMeterInput>): Promise<MeterView> {
  const { tenantId, meterId, displayName, ...definitionChanges } = parseInput(updateMeterInput, input);
  return runInTransaction(prisma, async (tx) => {
    const meter = await tx.meter.findFirst({ where: { id: meterId, tenantId } });
    if (meter === null) throw notFound('meter', meterId);
    const changesDefinition = Object.values(definitionChanges).some((value) => value !== undefined);
    if (changesDefinition) {
      const [prices, rollups] = await Promise.all([tx.price.count({ where: { tenantId, meterId } }), tx.usageRollup.count({ where: { tenantId, meterId } })]);
      if (prices > 0 || rollups > 0) {
        throw failure('meter_in_use', `Meter ${meter.key} is used by ${prices} price(s) and has counted events: what it reads can no longer change`, { prices, rollups });
      }
    }
    const definition = {
      eventName: definitionChanges.eventName ?? meter.eventName,
      aggregation: definitionChanges.aggregation ?? meter.aggregation,
      valueProperty: definitionChanges.valueProperty === undefined ? meter.valueProperty : definitionChanges.valueProperty,
      uniqueProperty: definitionChanges.uniqueProperty === undefined ? meter.uniqueProperty : definitionChanges.uniqueProperty,
      filters: definitionChanges.filters ?? filtersOf(meter.filters),
    };
    withDomainValidation(() => assertMeterDefinition(definition));
    const updated = await tx.meter.update({
      where: { id: meter.id },
      data: { ...(displayName === undefined ? {} : { displayName }), ...definition, filters: toJson(definition.filters) },
    });
    // What a metered feature counts may have changed.
    await notifyEntitlementsChanged(tx, meter.tenantId, [ALL_CUSTOMERS]);
    return toMeterView(updated);
  });
}
