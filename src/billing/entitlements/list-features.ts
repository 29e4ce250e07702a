import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { featureTypeSchema } from './feature-definition.js';
import { toFeatureView, type FeatureView } from './views.js';

const listFeaturesInput = z.object({ tenantId: idSchema, active: z.boolean().optional(), type: featureTypeSchema.optional(), ...pageInputShape });

/** The tenant's features, newest first. */
export async function listFeatures(prisma: Db, input: z.input<typeof listFeaturesInput>): Promise<Page<FeatureView>> {
  const { tenantId, active, type, ...page } = parseInput(listFeaturesInput, input);
  const query = pageQuery(page);
  const where: Prisma.FeatureWhereInput = {
    tenantId,
    ...(active === undefined ? {} : { archivedAt: active ? null : { not: null } }),
    ...(type === undefined ? {} : { type }),
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  return toPage(await prisma.feature.findMany({ where, orderBy: query.orderBy, take: query.take }), page, toFeatureView);
}
