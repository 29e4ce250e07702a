import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toCustomerView, withDefaultPaymentMethod } from './views.js';
import type { CustomerView } from './views.js';

const listCustomersInput = z.object({
  tenantId: idSchema,
  /** Exact match, as stored. */
  email: z.string().trim().min(1).optional(),
  externalId: z.string().trim().min(1).optional(),
  ...pageInputShape,
});

export type ListCustomersInput = z.input<typeof listCustomersInput>;

/** The tenant's customers, newest first. Filters combine with AND. */
export async function listCustomers(prisma: Db, input: ListCustomersInput): Promise<Page<CustomerView>> {
  const { tenantId, email, externalId, ...page } = parseInput(listCustomersInput, input);
  const query = pageQuery(page);
  const where: Prisma.CustomerWhereInput = {
    tenantId,
    ...(email === undefined ? {} : { email }),
    ...(externalId === undefined ? {} : { externalId }),
    // pageQuery's cursor condition only names createdAt and id, which every model has.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.customer.findMany({ where, orderBy: query.orderBy, take: query.take, include: withDefaultPaymentMethod });
  return toPage(rows, page, toCustomerView);
}
