import { z } from 'zod';
import type { Meter } from '../../generated/prisma/client.js';
import { MeterAggregation } from '../../generated/prisma/enums.js';
import { instant } from '../view-fields.js';

/** What the API returns for a meter. The schema documents it in OpenAPI. */
export const meterViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('meter'),
    key: z.string(),
    eventName: z.string(),
    displayName: z.string(),
    aggregation: z.enum(MeterAggregation),
    valueProperty: z.string().nullable(),
    uniqueProperty: z.string().nullable(),
    filters: z.array(z.object({ property: z.string(), in: z.array(z.string()) })),
    active: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Meter' });

export interface MeterView {
  id: string;
  object: 'meter';
  key: string;
  eventName: string;
  displayName: string;
  aggregation: MeterAggregation;
  valueProperty: string | null;
  uniqueProperty: string | null;
  filters: Array<{ property: string; in: string[] }>;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The stored filters column (always written by us as a list of `{ property, in }`). */
export function filtersOf(value: unknown): Array<{ property: string; in: string[] }> {
  return Array.isArray(value) ? (value as Array<{ property: string; in: string[] }>) : [];
}

export function toMeterView(meter: Meter): MeterView {
  return {
    id: meter.id,
    object: 'meter',
    key: meter.key,
    eventName: meter.eventName,
    displayName: meter.displayName,
    aggregation: meter.aggregation,
    valueProperty: meter.valueProperty,
    uniqueProperty: meter.uniqueProperty,
    filters: filtersOf(meter.filters),
    active: meter.archivedAt === null,
    createdAt: meter.createdAt.toISOString(),
    updatedAt: meter.updatedAt.toISOString(),
  };
}
