import { z } from '@hono/zod-openapi';
import { resourceId, shortText } from './common.js';

const featureKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'letters, digits, _ . : - (1 to 100, starting with a letter or digit)');

/** A feature in a path: its id (`feat_…`) or its key. */
export const featureParam = featureKey.openapi({ param: { name: 'feature', in: 'path' }, description: 'The feature’s id or key' });
export const featureKeyParam = featureKey.openapi({ param: { name: 'featureKey', in: 'path' }, description: 'The feature’s key (or id)' });

const quota = z
  .union([z.string().trim().regex(/^\d{1,26}(\.\d{1,12})?$/, 'must be a non-negative decimal with at most 12 decimal places'), z.number().nonnegative()])
  .openapi({ description: 'A decimal quantity (string or number), at most 12 decimal places', example: '10000' });

// Not z.json(): its recursive definition has no OpenAPI rendering. The billing operation checks the value is JSON.
const staticValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())]).openapi({ description: 'Static features: any JSON value, e.g. `10` or `{ "max_projects": 10 }`' });

export const createFeatureBody = z
  .strictObject({
    key: featureKey.openapi({ example: 'api_calls' }),
    name: z.string().trim().min(1).max(200).optional().openapi({ description: 'Defaults to the key' }),
    type: z.enum(['boolean', 'static', 'metered']).openapi({ description: 'boolean: on/off; static: a configuration value; metered: a quota of what a meter counts' }),
    meterId: resourceId.optional().openapi({ description: 'Metered: the meter whose usage counts against the limit' }),
    usagePeriod: z
      .enum(['billing_period', 'day', 'week', 'month'])
      .optional()
      .openapi({ description: 'Metered: the window a limit applies to — the billing period (default), or a UTC day, ISO week or calendar month' }),
    enforcement: z.enum(['soft', 'hard']).optional().openapi({ description: 'Metered: hard (default) denies once usage reaches the limit; soft allows and reports the overage' }),
  })
  .openapi('CreateFeature');

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');
export const listFeaturesQuery = z.strictObject({ active: booleanQuery.optional(), type: z.enum(['boolean', 'static', 'metered']).optional() });

export const planEntitlementBody = z
  .strictObject({
    feature: featureKey.openapi({ description: 'The feature’s key or id' }),
    value: staticValue.optional(),
    limit: quota.nullable().optional().openapi({ description: 'Metered: the limit per usage period; null for unlimited' }),
  })
  .openapi('PlanEntitlementInput');

export const entitlementOverrideBody = z
  .strictObject({
    feature: featureKey.openapi({ description: 'The feature’s key or id' }),
    hasAccess: z.boolean().optional().openapi({ description: 'false revokes the feature for this subscription (default true)' }),
    value: staticValue.optional(),
    limit: quota.nullable().optional().openapi({ description: 'Metered: the limit instead of the plan’s; null lifts it' }),
  })
  .openapi('EntitlementOverrideInput');

export const entitlementGrantBody = z
  .strictObject({
    feature: featureKey.openapi({ description: 'A metered feature’s key or id' }),
    quantity: quota.openapi({ description: 'Extra quota on top of the limit, for the usage period current now' }),
    reason: shortText.optional(),
  })
  .openapi('EntitlementGrantInput');

export const usageAlertBody = z
  .strictObject({
    meterId: resourceId,
    thresholds: z
      .array(
        z.union([
          z.strictObject({ quantity: quota.openapi({ description: 'Fires when usage in the billing period reaches this quantity' }) }),
          z.strictObject({ percentOfLimit: quota.openapi({ description: "Fires when usage reaches this percentage of `feature`'s limit, in the feature's usage period" }) }),
        ]),
      )
      .min(1)
      .max(20),
    feature: featureKey.optional().openapi({ description: 'The metered feature (on the same meter) percentages are of' }),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .openapi('UsageAlertInput');

export const spendThresholdBody = z
  .strictObject({
    amount: z.int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().openapi({ description: 'Minor units of the subscription’s currency; null removes the threshold', example: 10000 }),
  })
  .openapi('SpendThresholdInput');
