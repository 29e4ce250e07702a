import { z } from 'zod';
import { assertMeterDefinition } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { isUniqueViolation, toJson } from '../db.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { eventNameSchema, meterAggregationSchema, meterFiltersSchema, meterKeySchema, propertyNameSchema } from './meter-definition.js';
import { toMeterView, type MeterView } from './views.js';

const createMeterInput = z.object({
  tenantId: idSchema,
  key: meterKeySchema,
  /** Defaults to the key. */
  eventName: eventNameSchema.optional(),
  /** Defaults to the key. */
  displayName: z.string().trim().min(1).max(200).optional(),
  aggregation: meterAggregationSchema,
  valueProperty: propertyNameSchema.nullish(),
  uniqueProperty: propertyNameSchema.nullish(),
  filters: meterFiltersSchema.optional(),
  /** Derived from the caller's idempotency key, so a retried create finds its meter. */
  id: idSchema.optional(),
});

export type CreateMeterInput = z.input<typeof createMeterInput>;

/**
 * A meter: the events it reads (`eventName`, narrowed by `filters`) and how a window of them
 * becomes a billed quantity. Keys are unique per tenant (`meter_key_taken`).
 */
export async function createMeter(prisma: PrismaClient, input: CreateMeterInput): Promise<MeterView> {
  const parsed = parseInput(createMeterInput, input);
  const definition = {
    eventName: parsed.eventName ?? parsed.key,
    aggregation: parsed.aggregation,
    valueProperty: parsed.valueProperty ?? null,
    uniqueProperty: parsed.uniqueProperty ?? null,
    filters: parsed.filters ?? [],
  };
  withDomainValidation(() => assertMeterDefinition(definition));
  if ((await prisma.tenant.count({ where: { id: parsed.tenantId } })) === 0) throw notFound('tenant', parsed.tenantId);
  const id = parsed.id ?? newId('meter');
  try {
    const meter = await prisma.meter.create({
      data: { id, tenantId: parsed.tenantId, key: parsed.key, displayName: parsed.displayName ?? parsed.key, ...definition, filters: toJson(definition.filters) },
    });
    return toMeterView(meter);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await prisma.meter.findFirst({ where: { id, tenantId: parsed.tenantId } });
    if (existing !== null) return toMeterView(existing); // a retried create
    throw failure('meter_key_taken', `A meter with key ${parsed.key} exists`, { key: parsed.key });
  }
}
