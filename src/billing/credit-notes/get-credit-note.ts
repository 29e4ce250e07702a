import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { requireCreditNote } from './require-credit-note.js';
import { toCreditNoteView, type CreditNoteView } from './views.js';

const getCreditNoteInput = z.object({ tenantId: idSchema, creditNoteId: idSchema });

export async function getCreditNote(prisma: Db, input: z.input<typeof getCreditNoteInput>): Promise<CreditNoteView> {
  const { tenantId, creditNoteId } = parseInput(getCreditNoteInput, input);
  return toCreditNoteView(await requireCreditNote(prisma, tenantId, creditNoteId));
}
