import { z } from 'zod';
import { assertInterval, createPricingStrategy } from '../../domain/index.js';
import type { BillingInterval, PriceDefinition } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { assertPriceWithinBounds } from '../amount-bounds.js';
import { toJson } from '../db.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import { currencySchema, idSchema, parseInput } from '../validation.js';

const createPriceInput = z.object({
  tenantId: idSchema,
  productId: idSchema,
  currency: currencySchema,
  // The shape of each model is checked by the domain's factory, which owns it.
  definition: z.looseObject({ model: z.string(), currency: z.string() }),
  interval: z.object({ unit: z.enum(['day', 'week', 'month', 'year']), count: z.int().min(1) }),
  trialDays: z.int().min(0).max(730).nullish(),
  usageType: z.enum(['licensed', 'metered']).optional(),
  nickname: z.string().trim().min(1).nullish(),
});

export interface CreatePriceInput {
  tenantId: string;
  productId: string;
  currency: string;
  definition: PriceDefinition;
  interval: BillingInterval;
  trialDays?: number | null;
  usageType?: 'licensed' | 'metered';
  nickname?: string | null;
}

export interface CreatedPrice {
  priceId: string;
  productId: string;
  currency: string;
  definition: PriceDefinition;
  interval: BillingInterval;
  trialDays: number | null;
  usageType: 'licensed' | 'metered';
}

/** The column Stripe calls `unit_amount_decimal`: only flat and per-unit prices have one rate. */
function unitAmountOf(definition: PriceDefinition): string | null {
  if (definition.model === 'flat') return String(definition.amount);
  if (definition.model === 'per_unit') return String(definition.unitAmount);
  return null;
}

export async function createPrice(prisma: PrismaClient, input: CreatePriceInput): Promise<CreatedPrice> {
  const parsed = parseInput(createPriceInput, input);
  const definition = parsed.definition as unknown as PriceDefinition;
  const strategy = withDomainValidation(() => {
    assertInterval(parsed.interval);
    return createPricingStrategy(definition);
  });
  if (strategy.currency !== parsed.currency) {
    throw failure('currency_mismatch', `The definition is in ${strategy.currency}, the price in ${parsed.currency}`, {
      currencies: [parsed.currency, strategy.currency],
    });
  }
  // An amount no single charge could collect is refused here, not discovered at the first invoice.
  assertPriceWithinBounds(definition, 'definition');
  const product = await prisma.product.findFirst({ where: { id: parsed.productId, tenantId: parsed.tenantId, archivedAt: null } });
  if (product === null) throw notFound('product', parsed.productId);
  const price = await prisma.price.create({
    data: {
      id: newId('price'),
      tenantId: parsed.tenantId,
      productId: product.id,
      currency: parsed.currency,
      model: strategy.model,
      usageType: parsed.usageType ?? 'licensed',
      unitAmountDecimal: unitAmountOf(definition),
      definition: toJson({ ...definition, currency: strategy.currency }),
      intervalUnit: parsed.interval.unit,
      intervalCount: parsed.interval.count,
      trialDays: parsed.trialDays ?? null,
      nickname: parsed.nickname ?? null,
    },
  });
  return {
    priceId: price.id,
    productId: product.id,
    currency: price.currency,
    definition: { ...definition, currency: strategy.currency },
    interval: { unit: parsed.interval.unit, count: parsed.interval.count },
    trialDays: price.trialDays,
    usageType: price.usageType,
  };
}
