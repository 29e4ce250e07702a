import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { isUniqueViolation, runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { ALL_CUSTOMERS, notifyEntitlementsChanged } from './entitlement-changes.js';
import { featureKeySchema, featureTypeSchema, featureUsagePeriodSchema, limitEnforcementSchema } from './feature-definition.js';
import { toFeatureView, type FeatureView } from './views.js';

const createFeatureInput = z
  .object({
    tenantId: idSchema,
    key: featureKeySchema,
    /** Defaults to the key. */
    name: z.string().trim().min(1).max(200).optional(),
    type: featureTypeSchema,
    meterId: idSchema.optional(),
    usagePeriod: featureUsagePeriodSchema.optional(),
    enforcement: limitEnforcementSchema.optional(),
    /** Derived from the caller's idempotency key, so a retried create finds its feature. */
    id: idSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === 'metered' && input.meterId === undefined) ctx.addIssue({ code: 'custom', path: ['meterId'], message: 'is required for a metered feature' });
    if (input.type !== 'metered') {
      for (const field of ['meterId', 'usagePeriod', 'enforcement'] as const) {
        if (input[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `only a metered feature has ${field}` });
      }
    }
  });

export type CreateFeatureInput = z.input<typeof createFeatureInput>;

/**
 * A feature customers may be entitled to. Keys are unique per tenant (`feature_key_taken`). A
 * metered feature counts its meter's usage over `usagePeriod` (default: the billing period) and
 * enforces its limit `hard` (default) or `soft`.
 */
export async function createFeature(prisma: PrismaClient, input: CreateFeatureInput): Promise<FeatureView> {
  const parsed = parseInput(createFeatureInput, input);
  if ((await prisma.tenant.count({ where: { id: parsed.tenantId } })) === 0) throw notFound('tenant', parsed.tenantId);
  if (parsed.meterId !== undefined) {
    const meter = await prisma.meter.findFirst({ where: { id: parsed.meterId, tenantId: parsed.tenantId }, select: { archivedAt: true } });
    if (meter === null) throw notFound('meter', parsed.meterId);
    if (meter.archivedAt !== null) throw failure('meter_archived', `Meter ${parsed.meterId} is archived`, { meterId: parsed.meterId });
  }
  const id = parsed.id ?? newId('feat');
  const metered = parsed.type === 'metered';
  try {
    return await runInTransaction(prisma, async (tx) => {
      const feature = await tx.feature.create({
        data: {
          id,
          tenantId: parsed.tenantId,
          key: parsed.key,
          name: parsed.name ?? parsed.key,
          type: parsed.type,
          meterId: parsed.meterId ?? null,
          usagePeriod: metered ? (parsed.usagePeriod ?? 'billing_period') : null,
          enforcement: metered ? (parsed.enforcement ?? 'hard') : null,
        },
      });
      await notifyEntitlementsChanged(tx, parsed.tenantId, [ALL_CUSTOMERS]);
      return toFeatureView(feature);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await prisma.feature.findFirst({ where: { id, tenantId: parsed.tenantId } });
    if (existing !== null) return toFeatureView(existing); // a retried create
    throw failure('feature_key_taken', `A feature with key ${parsed.key} exists`, { key: parsed.key });
  }
}
