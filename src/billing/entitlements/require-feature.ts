import type { Feature } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';

/** A feature of the tenant by id (`feat_…`) or by key; another tenant's is `feature_not_found`. */
export async function requireFeature(db: Db, tenantId: string, idOrKey: string): Promise<Feature> {
  const feature = await db.feature.findFirst({ where: { tenantId, OR: [{ id: idOrKey }, { key: idOrKey }] } });
  if (feature === null) throw notFound('feature', idOrKey);
  return feature;
}
