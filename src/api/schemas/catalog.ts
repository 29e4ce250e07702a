import { z } from '@hono/zod-openapi';
import { currencyCode, metadata, resourceId, shortText as text } from './common.js';

/** Minor units; fractions (up to 12 places) as decimal strings, like Stripe's unit_amount_decimal. */
const decimal = z
  .union([z.int().min(0), z.string().trim().regex(/^\d{1,15}(\.\d{1,12})?$/, 'must be a non-negative decimal with at most 12 places')], {
    error: 'must be a non-negative whole number of minor units, or a decimal string such as "0.06" for a fraction of one',
  })
  .openapi({ description: 'Minor units (cents); a decimal string for fractions, e.g. "0.06"' });

const tier = z.strictObject({ upTo: decimal.nullable(), unitAmount: decimal, flatAmount: decimal.optional() });
const tiers = z.array(tier).min(1).max(50);

/** The pricing model and its parameters; the currency is the price's. Checked again by the domain. */
export const pricingSchema = z
  .discriminatedUnion('model', [
    z.strictObject({ model: z.literal('flat'), amount: decimal }),
    z.strictObject({ model: z.literal('per_unit'), unitAmount: decimal, includedUnits: decimal.optional() }),
    z.strictObject({ model: z.literal('graduated'), tiers, includedUnits: decimal.optional() }),
    z.strictObject({ model: z.literal('volume'), tiers, includedUnits: decimal.optional() }),
    z.strictObject({ model: z.literal('package'), packageAmount: decimal, packageSize: decimal, includedUnits: decimal.optional() }),
    z.strictObject({
      model: z.literal('percentage'),
      percentage: decimal,
      fixedAmount: decimal.optional(),
      minAmountPerTransaction: decimal.optional(),
      maxAmountPerTransaction: decimal.optional(),
    }),
  ])
  .openapi('Pricing');

export const createProductBody = z
  .strictObject({ name: text, description: text.nullable().optional(), metadata: metadata.optional() })
  .openapi('CreateProduct');

export const updateProductBody = z
  .strictObject({ name: text.optional(), description: text.nullable().optional(), metadata: metadata.optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'Give at least one field to change' })
  .openapi('UpdateProduct');

export const createPriceBody = z
  .strictObject({
    productId: resourceId,
    currency: currencyCode,
    pricing: pricingSchema,
    interval: z.strictObject({ unit: z.enum(['day', 'week', 'month', 'year']), count: z.int().min(1).max(365).default(1) }),
    usageType: z.enum(['licensed', 'metered']).default('licensed').openapi({ description: 'metered: billed in arrears on the usage its meter aggregates, rather than on the quantity' }),
    meterId: resourceId.optional().openapi({ description: 'Required for a metered price: the meter whose quantity it prices' }),
    trialDays: z.int().min(0).max(730).nullable().optional(),
    nickname: text.nullable().optional(),
  })
  .openapi('CreatePrice');

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

export const listProductsQuery = z.strictObject({ active: booleanQuery.optional() });

export const listPricesQuery = z.strictObject({
  productId: resourceId.optional(),
  active: booleanQuery.optional(),
  currency: currencyCode.optional(),
});
