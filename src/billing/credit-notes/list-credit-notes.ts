import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toCreditNoteView, type CreditNoteView } from './views.js';

const listCreditNotesInput = z.object({ tenantId: idSchema, invoiceId: idSchema.optional(), customerId: idSchema.optional(), ...pageInputShape });

/** Credit notes newest first, of the tenant, one invoice or one customer. */
export async function listCreditNotes(prisma: Db, input: z.input<typeof listCreditNotesInput>): Promise<Page<CreditNoteView>> {
  const { tenantId, invoiceId, customerId, ...page } = parseInput(listCreditNotesInput, input);
  const query = pageQuery(page);
  const where: Prisma.CreditNoteWhereInput = {
    tenantId,
    ...(invoiceId === undefined ? {} : { invoiceId }),
    ...(customerId === undefined ? {} : { customerId }),
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  return toPage(await prisma.creditNote.findMany({ where, orderBy: query.orderBy, take: query.take, include: { lines: true } }), page, toCreditNoteView);
}
