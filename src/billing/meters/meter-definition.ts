import { z } from 'zod';
import { METER_AGGREGATIONS, type MeterAggregation } from '../../domain/index.js';

/** A meter key: what integrators name in events and prices (`api_calls`, `tokens.eu`). */
export const meterKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'letters, digits, _ . : - (1 to 100, starting with a letter or digit)');

export const eventNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200);

export const propertyNameSchema = z.string().trim().min(1).max(200);

export const meterFiltersSchema = z
  .array(z.strictObject({ property: propertyNameSchema, in: z.array(z.string().max(500)).min(1).max(100) }))
  .max(20);

export const meterAggregationSchema = z.enum(METER_AGGREGATIONS as readonly [MeterAggregation, ...MeterAggregation[]]);
