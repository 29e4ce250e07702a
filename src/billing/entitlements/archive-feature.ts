import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { runInTransaction } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { ALL_CUSTOMERS, notifyEntitlementsChanged } from './entitlement-changes.js';
import { requireFeature } from './require-feature.js';
import { toFeatureView, type FeatureView } from './views.js';

const archiveFeatureInput = z.object({ tenantId: idSchema, feature: idSchema });

/**
 * Archives a feature: no plan or subscription can be given it any more, and the checks answer
 * `hasAccess: false` for it from now on (a product's code asking about it gets a clear no rather
 * than a 404). Repeating keeps the first archive instant.
 */
export async function archiveFeature(prisma: PrismaClient, input: z.input<typeof archiveFeatureInput>): Promise<FeatureView> {
  const { tenantId, feature: idOrKey } = parseInput(archiveFeatureInput, input);
  return runInTransaction(prisma, async (tx) => {
    const feature = await requireFeature(tx, tenantId, idOrKey);
    if (feature.archivedAt !== null) return toFeatureView(feature);
    const archived = await tx.feature.update({ where: { id: feature.id }, data: { archivedAt: new Date() } });
    await notifyEntitlementsChanged(tx, tenantId, [ALL_CUSTOMERS]);
    return toFeatureView(archived);
  });
}
