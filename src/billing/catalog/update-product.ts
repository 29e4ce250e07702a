import { z } from 'zod';
import type { Db } from '../db.js';
import { toJson } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, metadataSchema, parseInput } from '../validation.js';
import { toProductView } from './views.js';
import type { ProductView } from './views.js';

// Absent leaves a field as it is; a null description clears it.
const updateProductInput = z
  .object({
    tenantId: idSchema,
    productId: idSchema,
    name: z.string().trim().min(1).optional(),
    description: z.string().trim().min(1).nullable().optional(),
    /** Replaces the whole metadata object. */
    metadata: metadataSchema.optional(),
  })
  .refine((input) => input.name !== undefined || input.description !== undefined || input.metadata !== undefined, {
    message: 'Give at least one of name, description, metadata',
  });

export type UpdateProductInput = z.input<typeof updateProductInput>;

/** Renames or redescribes a product; archived products too (their invoices still show the name). */
export async function updateProduct(prisma: Db, input: UpdateProductInput): Promise<ProductView> {
  const { tenantId, productId, name, description, metadata } = parseInput(updateProductInput, input);
  const { count } = await prisma.product.updateMany({
    where: { id: productId, tenantId },
    data: { name, description, ...(metadata === undefined ? {} : { metadata: toJson(metadata) }) },
  });
  if (count === 0) throw notFound('product', productId);
  return toProductView(await prisma.product.findFirstOrThrow({ where: { id: productId, tenantId } }));
}
