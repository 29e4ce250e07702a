import { z } from 'zod';
import type { Price, Product } from '../../generated/prisma/client.js';
import { IntervalUnit, PricingModel, UsageType } from '../../generated/prisma/enums.js';
import { instant, metadataOf } from '../view-fields.js';

/**
 * What the API returns for products and prices. The interfaces are what code builds; the schemas
 * (same shape, checked in test/integration/billing/read-operations.test.ts) document the
 * responses in OpenAPI, with `.meta({ id })` naming the component. `active` is false once
 * archived: archived rows stay readable (invoices refer to them) but are not sold any more.
 */

export const productViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('product'),
    name: z.string(),
    description: z.string().nullable(),
    active: z.boolean(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Product' });

export interface ProductView {
  id: string;
  object: 'product';
  name: string;
  description: string | null;
  active: boolean;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export const priceViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('price'),
    productId: z.string(),
    currency: z.string(),
    model: z.enum(PricingModel),
    usageType: z.enum(UsageType),
    meterId: z.string().nullable().describe('The meter a metered price bills'),
    pricing: z
      .looseObject({ model: z.string() })
      .describe('The pricing model and its parameters, exactly as `POST /v1/prices` takes them (amounts in minor units)'),
    interval: z.object({ unit: z.enum(IntervalUnit), count: z.int() }),
    trialDays: z.int().nullable(),
    nickname: z.string().nullable(),
    active: z.boolean(),
    createdAt: instant,
  })
  .meta({ id: 'Price' });

export interface PriceView {
  id: string;
  object: 'price';
  productId: string;
  currency: string;
  model: PricingModel;
  usageType: UsageType;
  meterId: string | null;
  /** The request's `pricing`: the stored definition the domain prices with, less its currency (the price's). */
  pricing: { model: string; [key: string]: unknown };
  interval: { unit: IntervalUnit; count: number };
  trialDays: number | null;
  nickname: string | null;
  active: boolean;
  createdAt: string;
}

export function toProductView(product: Product): ProductView {
  return {
    id: product.id,
    object: 'product',
    name: product.name,
    description: product.description,
    active: product.archivedAt === null,
    metadata: metadataOf(product.metadata),
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

/** createPrice validated the definition with the domain and stored it whole; its currency is the price's own field. */
function pricingOf(stored: Price['definition']): PriceView['pricing'] {
  const { currency: _price, ...pricing } = stored as { model: string; currency?: string; [key: string]: unknown };
  return pricing;
}

export function toPriceView(price: Price): PriceView {
  return {
    id: price.id,
    object: 'price',
    productId: price.productId,
    currency: price.currency.toUpperCase(),
    model: price.model,
    usageType: price.usageType,
    meterId: price.meterId,
    pricing: pricingOf(price.definition),
    interval: { unit: price.intervalUnit, count: price.intervalCount },
    trialDays: price.trialDays,
    nickname: price.nickname,
    active: price.archivedAt === null,
    createdAt: price.createdAt.toISOString(),
  };
}

/** What a delete returns (Stripe's shape): the id that no longer exists. */
export const deletedProductViewSchema = z
  .object({ id: z.string(), object: z.literal('product'), deleted: z.literal(true) })
  .meta({ id: 'DeletedProduct' });

export interface DeletedProductView {
  id: string;
  object: 'product';
  deleted: true;
}

export const deletedPriceViewSchema = z
  .object({ id: z.string(), object: z.literal('price'), deleted: z.literal(true) })
  .meta({ id: 'DeletedPrice' });

export interface DeletedPriceView {
  id: string;
  object: 'price';
  deleted: true;
}
