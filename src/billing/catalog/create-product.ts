import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { toJson } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, metadataSchema, parseInput } from '../validation.js';

const createProductInput = z.object({
  tenantId: idSchema,
  name: z.string().trim().min(1),
  description: z.string().trim().min(1).nullish(),
  metadata: metadataSchema.optional(),
});

export type CreateProductInput = z.input<typeof createProductInput>;

export interface CreatedProduct {
  productId: string;
  tenantId: string;
  name: string;
}

export async function createProduct(prisma: PrismaClient, input: CreateProductInput): Promise<CreatedProduct> {
  const { tenantId, name, description, metadata } = parseInput(createProductInput, input);
  if ((await prisma.tenant.count({ where: { id: tenantId } })) === 0) throw notFound('tenant', tenantId);
  const product = await prisma.product.create({
    data: { id: newId('prod'), tenantId, name, description: description ?? null, metadata: toJson(metadata ?? {}) },
  });
  return { productId: product.id, tenantId, name: product.name };
}
