import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireFeature } from './require-feature.js';
import { toFeatureView, type FeatureView } from './views.js';

const getFeatureInput = z.object({ tenantId: idSchema, feature: idSchema });

/** One feature of the tenant, by id or key. */
export async function getFeature(prisma: Db, input: z.input<typeof getFeatureInput>): Promise<FeatureView> {
  const { tenantId, feature } = parseInput(getFeatureInput, input);
  return toFeatureView(await requireFeature(prisma, tenantId, feature));
}
