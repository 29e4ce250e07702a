import { z } from '@hono/zod-openapi';
import { invoiceIssuerFields } from '../../billing/settings/save-billing-settings.js';
import { clientToken, resourceId } from './common.js';

const aggregation = z.enum(['count', 'sum', 'max', 'latest', 'unique_count', 'weighted_sum']);
const property = z.string().trim().min(1).max(200);
const filters = z.array(z.strictObject({ property, in: z.array(z.string().max(500)).min(1).max(100) })).max(20);

export const createMeterBody = z
  .strictObject({
    key: z.string().trim().min(1).max(100).openapi({ example: 'api_calls' }),
    eventName: z.string().trim().min(1).max(200).optional().openapi({ description: 'The events it reads; defaults to the key' }),
    displayName: z.string().trim().min(1).max(200).optional(),
    aggregation: aggregation.openapi({ description: 'count; sum, max, latest of valueProperty; unique_count of uniqueProperty; weighted_sum: the time-weighted average of a running level, each event a delta (storage, seats)' }),
    valueProperty: property.optional(),
    uniqueProperty: property.optional(),
    filters: filters.optional().openapi({ description: 'Every filter must match: the property equals one of `in`' }),
  })
  .openapi('CreateMeter');

export const updateMeterBody = z
  .strictObject({
    displayName: z.string().trim().min(1).max(200).optional(),
    eventName: z.string().trim().min(1).max(200).optional(),
    aggregation: aggregation.optional(),
    valueProperty: property.nullable().optional(),
    uniqueProperty: property.nullable().optional(),
    filters: filters.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'Give at least one field to change' })
  .openapi('UpdateMeter');

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');
export const listMetersQuery = z.strictObject({ active: booleanQuery.optional(), eventName: z.string().min(1).max(200).optional() });

/** One usage event as a client sends it. */
export const usageEventBody = z
  .strictObject({
    transactionId: clientToken.openapi({ description: 'Unique per tenant, forever: a repeat is acknowledged and never counted twice' }),
    eventName: z.string().trim().min(1).max(200),
    customerId: resourceId.optional(),
    subscriptionId: resourceId.optional(),
    timestamp: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When it happened (default: now); at most 35 days ago and 5 minutes ahead' }),
    properties: z
      .record(z.string().max(200), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
      .refine((value) => Object.keys(value).length <= 100, { message: 'At most 100 properties' })
      .optional()
      .openapi({ description: 'The values meters read and filter on: up to 100 flat properties, each a string, number, boolean or null' }),
  })
  .refine((event) => event.customerId !== undefined || event.subscriptionId !== undefined, { message: 'Give customerId or subscriptionId', path: ['customerId'] })
  .openapi('UsageEvent');

export const usageEventBatchBody = z.strictObject({ events: z.array(usageEventBody).min(1).max(1000) }).openapi('UsageEventBatch');

const accepted = z.object({
  object: z.literal('usage_event'),
  transactionId: z.string(),
  status: z.enum(['accepted', 'duplicate']),
  duplicate: z.boolean(),
  customerId: z.string(),
  meterIds: z.array(z.string()).describe('The meters that count it'),
  billable: z.boolean().describe('false: kept, but no subscription bills it (see reason)'),
  subscriptionId: z.string().nullable(),
  reason: z.enum(['no_meter', 'no_subscription', 'usage_closed']).nullable(),
});

export const usageEventResultSchema = accepted.openapi('UsageEventResult');

export const usageEventBatchResultSchema = z
  .object({
    object: z.literal('usage_event_batch'),
    accepted: z.int(),
    duplicates: z.int(),
    rejected: z.int(),
    results: z.array(
      z.union([
        accepted,
        z.object({
          object: z.literal('usage_event'),
          transactionId: z.string(),
          status: z.literal('rejected'),
          error: z.object({ code: z.string(), message: z.string() }),
        }),
      ]),
    ),
  })
  .openapi('UsageEventBatchResult');

export const billingSettingsBody = z
  .strictObject({
    usageGracePeriodHours: z.int().min(0).max(72),
    reconcileAfterMinutes: z.int().min(0).max(1440).optional(),
    snapshotHourUtc: z.int().min(0).max(23).optional(),
    webhookEventRetentionDays: z.int().min(1).max(3650).optional(),
    outboxRetentionDays: z.int().min(1).max(3650).optional(),
    upcomingRenewalNoticeDays: z.int().min(1).max(60).optional(),
    invoiceOverdueDays: z.int().min(1).max(365).optional(),
    ...invoiceIssuerFields,
  })
  .openapi('SaveBillingSettings');
