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
  /** Required for a metered price: the meter whose quantity it prices. */
  meterId: idSchema.nullish(),
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
  meterId?: string | null;
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
  meterId: string | null;
}

/** The column Stripe calls `unit_amount_decimal`: only flat and per-unit prices have one rate. */
function unitAmountOf(definition: PriceDefinition): string | null {
  if (definition.model === 'flat') return String(definition.amount);
  if (definition.model === 'per_unit') return String(definition.unitAmount);
  return null;
}

/** A metered price prices a meter's quantity, so it names one (active, the tenant's); a licensed one names none. */
async function meterOf(prisma: PrismaClient, tenantId: string, usageType: 'licensed' | 'metered', meterId: string | null): Promise<string | null> {
  if (usageType === 'licensed') {
    if (meterId !== null) throw failure('invalid_input', 'Only a metered price has a meter', { fields: [{ path: 'meterId', message: 'only for usageType metered' }] });
    return null;
  }
  if (meterId === null) throw failure('meter_required', 'A metered price names the meter it bills', { fields: [{ path: 'meterId', code: 'meter_required', message: 'required for usageType metered' }] });
  const meter = await prisma.meter.findFirst({ where: { id: meterId, tenantId, archivedAt: null }, select: { id: true } });
  if (meter === null) throw notFound('meter', meterId);
  return meter.id;
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
  const meterId = await meterOf(prisma, parsed.tenantId, parsed.usageType ?? 'licensed', parsed.meterId ?? null);
  const price = await prisma.price.create({
    data: {
      id: newId('price'),
      tenantId: parsed.tenantId,
      productId: product.id,
      currency: parsed.currency,
      model: strategy.model,
      usageType: parsed.usageType ?? 'licensed',
      meterId,
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
    meterId: price.meterId,
  };
}
