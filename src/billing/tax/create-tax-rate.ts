import { z } from 'zod';
import { createRateTableTaxCalculator } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { notFound, withDomainValidation } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';

const createTaxRateInput = z.object({
  tenantId: idSchema,
  jurisdiction: z
    .string()
    .trim()
    .min(1)
    .transform((code) => code.toUpperCase()),
  displayName: z.string().trim().min(1),
  /** Percent as a decimal string ("8.25") or a number (20). */
  percentage: z
    .union([z.string().trim().min(1), z.number()])
    .transform(String)
    // The column is NUMERIC(9,6): a seventh decimal would be rounded away by Postgres, silently.
    .refine((value) => /^\d{1,3}(\.\d{1,6})?$/.test(value), { message: 'A percentage with at most 6 decimal places' }),
  inclusive: z.boolean().optional(),
});

export type CreateTaxRateInput = z.input<typeof createTaxRateInput>;

export interface CreatedTaxRate {
  taxRateId: string;
  jurisdiction: string;
  percentage: string;
  inclusive: boolean;
}

export async function createTaxRate(prisma: PrismaClient, input: CreateTaxRateInput): Promise<CreatedTaxRate> {
  const parsed = parseInput(createTaxRateInput, input);
  const inclusive = parsed.inclusive ?? false;
  const id = newId('txr');
  // The domain's calculator is the one judge of a usable rate (0 ≤ percentage ≤ 100).
  withDomainValidation(() =>
    createRateTableTaxCalculator([{ id, jurisdiction: parsed.jurisdiction, percentage: parsed.percentage, inclusive }]),
  );
  if ((await prisma.tenant.count({ where: { id: parsed.tenantId } })) === 0) throw notFound('tenant', parsed.tenantId);
  const rate = await prisma.taxRate.create({
    data: { id, tenantId: parsed.tenantId, jurisdiction: parsed.jurisdiction, displayName: parsed.displayName, percentage: parsed.percentage, inclusive },
  });
  return { taxRateId: rate.id, jurisdiction: rate.jurisdiction, percentage: rate.percentage.toFixed(), inclusive };
}
