import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import { ApiKeyRole } from '../../generated/prisma/enums.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toApiKeyView, type ApiKeyView } from './views.js';

const listApiKeysInput = z.object({
  tenantId: idSchema,
  role: z.enum(ApiKeyRole).optional(),
  /** Only keys that still authenticate (active or in a rotation's grace period). */
  live: z.boolean().optional(),
  ...pageInputShape,
});

/** The tenant's keys, newest first, revoked ones included unless `live`. */
export async function listApiKeys(prisma: Db, input: z.input<typeof listApiKeysInput>): Promise<Page<ApiKeyView>> {
  const { tenantId, role, live, ...page } = parseInput(listApiKeysInput, input);
  const query = pageQuery(page);
  const now = new Date();
  const where: Prisma.ApiKeyWhereInput = {
    tenantId,
    ...(role === undefined ? {} : { role }),
    ...(live === true ? { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } : {}),
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  return toPage(await prisma.apiKey.findMany({ where, orderBy: query.orderBy, take: query.take }), page, (key) => toApiKeyView(key, now));
}
